import { useEffect, useMemo, useState } from "preact/hooks";
import { OpenTrace } from "./open-trace.js";
import { parseRoute } from "./route.js";
import { isUnauthenticated } from "./rpc-error.js";
import { clearSession, loadSession, saveSession } from "./session-token.js";
import type { Session } from "./session-token.js";
import { SignIn } from "./sign-in.js";
import { traceClient } from "./trace-client.js";
import { TracePage } from "./trace-page.js";
import { TracesList } from "./traces-list.js";

/** The workbench: sign-in, then the list or a trace, routed by the URL's hash. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const client = useMemo(() => (session ? traceClient(session.token) : undefined), [session]);
  const [signedOutWhy, setSignedOutWhy] = useState<string | undefined>();
  const signOut = () => {
    clearSession();
    setSession(undefined);
  };
  // A token revoked while the tab is open: back to sign-in, with the reason.
  const onAuthError = (e: unknown) => {
    if (!isUnauthenticated(e)) return;
    setSignedOutWhy("The server no longer accepts your token: sign in again.");
    signOut();
  };
  const route = parseRoute(hash);
  return (
    <>
      <header class="top">
        <h1>
          <a href="#/">devtrace workbench</a>
        </h1>
        {session ? (
          <div class="top-right">
            <OpenTrace />
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main>
        {!session || !client ? (
          <SignIn
            notice={signedOutWhy}
            onSignedIn={(s) => {
              setSignedOutWhy(undefined);
              saveSession(s);
              setSession(s);
            }}
          />
        ) : route.page === "trace" ? (
          <TracePage client={client} id={route.id} query={route.query} onAuthError={onAuthError} />
        ) : session.reach === "own" ? (
          <p>This is an ingest token: it opens your own traces by id (above), and cannot list everyone's.</p>
        ) : (
          <TracesList client={client} query={route.query} onAuthError={onAuthError} />
        )}
      </main>
    </>
  );
}
