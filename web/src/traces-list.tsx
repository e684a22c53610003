import { useEffect, useState } from "preact/hooks";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { inQa, statusLabel, verdictLabel, visibleControls, when } from "./format.js";
import { filterFromQuery, filterStatuses } from "./list-filter.js";
import { listHref, traceHref } from "./route.js";
import { rpcErrorText } from "./rpc-error.js";
import type { TraceClient } from "./trace-client.js";

/** How often the list re-reads its page while a trace on it is in QA. */
const liveRefreshMs = 2000;

function FilterForm(p: { query: URLSearchParams }) {
  const q = p.query;
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === "string" && v.trim() !== "") next.append(k, v.trim());
    location.hash = listHref(next);
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Filter traces">
      <label>
        Developer <input name="developer" defaultValue={q.get("developer") ?? ""} autocomplete="off" />
      </label>
      <label>
        Repository <input name="repo" defaultValue={q.get("repo") ?? ""} autocomplete="off" />
      </label>
      <label>
        Since <input type="date" name="since" defaultValue={q.get("since") ?? ""} />
      </label>
      <label>
        Until <input type="date" name="until" defaultValue={q.get("until") ?? ""} />
      </label>
      <label>
        Min score <input type="number" name="min" min="0" max="1" step="0.01" defaultValue={q.get("min") ?? ""} />
      </label>
      <label>
        Max score <input type="number" name="max" min="0" max="1" step="0.01" defaultValue={q.get("max") ?? ""} />
      </label>
      <fieldset>
        <legend>Status</legend>
        {filterStatuses.map((s) => (
          <label key={s} class="check">
            <input type="checkbox" name="status" value={TraceStatus[s]} defaultChecked={q.getAll("status").includes(TraceStatus[s])} />
            {statusLabel(s)}
          </label>
        ))}
      </fieldset>
      <button type="submit">Apply filters</button>
      <a href="#/">Clear</a>
    </form>
  );
}

function Row(p: { t: Trace }) {
  const t = p.t;
  const v = t.qa?.tests?.verdict;
  return (
    <tr>
      <td>
        <a href={traceHref(t.id)}>{visibleControls(t.task?.description || t.id).slice(0, 120)}</a>
      </td>
      <td>{visibleControls(t.developer?.id ?? "")}</td>
      <td class="repo">{visibleControls(t.task?.repoUrl ?? "")}</td>
      <td>
        <span class={`badge status-${t.status}`}>{statusLabel(t.status)}</span>
      </td>
      <td>{v ? <span class={`badge verdict-${v}`}>{verdictLabel(v)}</span> : "—"}</td>
      <td class="num">{t.qa && t.status === TraceStatus.DONE ? t.qa.overall.toFixed(2) : "—"}</td>
      <td class="num">{String(t.eventCount)}</td>
      <td>{when(t.createdAt)}</td>
    </tr>
  );
}

/** The traces list: every ListTraces filter, from and to the URL; cursor paging; live status. */
export function TracesList(p: { client: TraceClient; query: URLSearchParams; onAuthError: (e: unknown) => void }) {
  // The page's rows with the query they answer: rows of an older query are never shown.
  const [page, setPage] = useState<{ key: string; traces: Trace[] } | undefined>();
  const [next, setNext] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const key = p.query.toString();
  const parsed = filterFromQuery(p.query);
  useEffect(() => {
    if ("error" in parsed) return;
    const abort = new AbortController();
    performance.mark("devtrace:list-request", { detail: key });
    p.client
      .listTraces({ filter: parsed.value, pageSize: 50, pageToken: p.query.get("page") ?? "" }, { signal: abort.signal })
      .then((res) => {
        performance.mark("devtrace:list-response", { detail: key });
        setPage({ key, traces: res.traces });
        setNext(res.nextPageToken);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        p.onAuthError(e);
        setError(rpcErrorText(e));
      });
    return () => abort.abort();
  }, [p.client, key, tick]);
  useEffect(() => {
    // Runs after the rows are on screen: the bench pairs it with the request mark of the same key.
    if (page) performance.mark("devtrace:list-shown", { detail: page.key });
  }, [page]);
  const traces = page?.key === key ? page.traces : undefined;
  const live = traces?.some((t) => inQa(t.status)) ?? false;
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(() => setTick((n) => n + 1), liveRefreshMs);
    return () => clearTimeout(timer);
  }, [live, traces]);
  const pageHref = (token: string) => {
    const q = new URLSearchParams(p.query);
    q.delete("page");
    if (token) q.set("page", token);
    return listHref(q);
  };
  return (
    <section aria-labelledby="traces-title">
      <h2 id="traces-title">Traces</h2>
      <FilterForm key={key} query={p.query} />
      {"error" in parsed ? (
        <p class="error" role="alert">
          Filter not applied: {parsed.error}
        </p>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {traces === undefined && !error && !("error" in parsed) ? <p aria-busy="true">Loading…</p> : null}
      {traces !== undefined ? (
        <>
          <table class="traces">
            <caption>
              {traces.length} trace{traces.length === 1 ? "" : "s"} on this page{live ? " · statuses in QA update live" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">task</th>
                <th scope="col">developer</th>
                <th scope="col">repository</th>
                <th scope="col">status</th>
                <th scope="col">verdict</th>
                <th scope="col">score</th>
                <th scope="col">events</th>
                <th scope="col">created</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((t) => (
                <Row key={t.id} t={t} />
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {p.query.get("page") ? <a href={pageHref("")}>First page</a> : null}
            {next ? <a href={pageHref(next)}>Next page</a> : null}
          </nav>
        </>
      ) : null}
    </section>
  );
}
