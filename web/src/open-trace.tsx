import { traceHref } from "./route.js";

/** A box to open a trace by id (the way in for an ingest token, which cannot list). */
export function OpenTrace() {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const id = String(new FormData(e.currentTarget as HTMLFormElement).get("id") ?? "").trim();
    if (id) location.hash = traceHref(id);
  };
  return (
    <form class="open-trace" onSubmit={submit} role="search" aria-label="Open a trace by id">
      <label>
        Trace id <input name="id" autocomplete="off" />
      </label>
      <button type="submit">Open</button>
    </form>
  );
}
