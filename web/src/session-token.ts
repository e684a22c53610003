/** What sign-in learned about the token. */
export interface Session {
  token: string;
  /** "list": may list every trace (read, admin); "own": an ingest token, own traces only. */
  reach: "list" | "own";
}

const key = "devtrace.session";

/** The session of this tab (sessionStorage: gone when the tab closes, never in a URL). */
export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== "string" || (s.reach !== "list" && s.reach !== "own")) return undefined;
    return { token: s.token, reach: s.reach };
  } catch {
    return undefined;
  }
}

/** Keeps the session for this tab. */
export function saveSession(s: Session): void {
  sessionStorage.setItem(key, JSON.stringify(s));
}

/** Forgets the token. */
export function clearSession(): void {
  sessionStorage.removeItem(key);
}
