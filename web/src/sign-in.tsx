import { Code, ConnectError } from "@connectrpc/connect";
import { useState } from "preact/hooks";
import type { Session } from "./session-token.js";
import { traceClient } from "./trace-client.js";

/** Asks for a token once and checks it with one ListTraces call. */
export function SignIn(p: { onSignedIn: (s: Session) => void; notice?: string }) {
  const [error, setError] = useState<string | undefined>(p.notice);
  const [busy, setBusy] = useState(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const token = String(new FormData(form).get("token") ?? "").trim();
    if (!token) {
      setError("Paste a token first.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await traceClient(token).listTraces({ pageSize: 1 });
      p.onSignedIn({ token, reach: "list" });
    } catch (err) {
      const c = ConnectError.from(err);
      // An ingest token is valid but may only read its own traces.
      if (c.code === Code.PermissionDenied) p.onSignedIn({ token, reach: "own" });
      else if (c.code === Code.Unauthenticated) setError("Wrong token: the server does not know it.");
      else setError(`Could not check the token: ${c.rawMessage}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>
        Paste a devtrace token: <code>read</code> or <code>admin</code> to browse every trace, or your <code>ingest</code> token to open
        your own traces. It stays in this tab only (sessionStorage) and is sent in a header, never in a URL.
      </p>
      <p class="muted">
        On the server's machine the tokens are in <code>data/credentials.json</code>.
      </p>
      <form onSubmit={submit}>
        <label>
          Token <input name="token" type="password" autocomplete="off" required aria-describedby="sign-in-error" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      <p id="sign-in-error" class="error" role="alert">
        {error ?? ""}
      </p>
    </section>
  );
}
