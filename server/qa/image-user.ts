/** A user the test command runs as: numeric, so Docker need not look the name up. */
export interface RunUser {
  uid: number;
  gid: number;
  name: string;
}

/** The root user, used only when the image has no other. */
export const rootUser: RunUser = { uid: 0, gid: 0, name: "root" };

/** Entries of an /etc/passwd file; malformed lines are skipped. */
export function parsePasswd(text: string): RunUser[] {
  const users: RunUser[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (f[0] && Number.isInteger(uid) && Number.isInteger(gid)) users.push({ name: f[0], uid, gid });
  }
  return users;
}

/**
 * Chooses who runs the tests: the image's configured USER when it is not root,
 * else the first ordinary account (uid 1000–65533), else root (capabilities dropped).
 */
export function pickRunUser(configUser: string, users: readonly RunUser[]): RunUser {
  const wanted = configUser.split(":")[0];
  if (wanted && wanted !== "root" && wanted !== "0") {
    const found = users.find((u) => u.name === wanted || String(u.uid) === wanted);
    if (found) return found;
    const uid = Number(wanted);
    if (Number.isInteger(uid)) return { uid, gid: Number(configUser.split(":")[1] ?? uid) || uid, name: wanted };
  }
  return users.find((u) => u.uid >= 1000 && u.uid < 65534) ?? rootUser;
}
