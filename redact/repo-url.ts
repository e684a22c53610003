/**
 * A repository URL without credentials: the userinfo of `scheme://user:secret@host/…` is
 * removed whole (`https://oauth2:glpat-…@gitlab.com/a/b.git` → `https://gitlab.com/a/b.git`);
 * a user without a password is kept only when it is an ordinary ssh user such as `git@`.
 * scp-like `git@host:path` and local paths are returned as they are.
 */
export function stripUrlUserinfo(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)([^\s]*)$/i.exec(url);
  if (!m) return url;
  const [, scheme, userinfo, rest] = m;
  const user = userinfo.slice(0, -1);
  const sshUser = /^ssh:|^git\+ssh:/i.test(scheme) && /^[a-z_][a-z0-9_.-]{0,31}$/i.test(user);
  return sshUser ? url : `${scheme}${rest}`;
}
