import { useEffect, useMemo, useState } from "preact/hooks";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { EventDetail } from "./event-detail.js";
import { EventList } from "./event-list.js";
import { inQa, statusLabel, visibleControls, when } from "./format.js";
import { buildLanes } from "./lanes.js";
import { loadTrace } from "./load-events.js";
import { QaPanel } from "./qa-panel.js";
import { ReplayPanel } from "./replay-panel.js";
import { traceHref } from "./route.js";
import { Timeline } from "./timeline.js";
import { rpcErrorText } from "./rpc-error.js";
import type { TraceClient } from "./trace-client.js";
import { watchLive } from "./watch-live.js";

type Tab = "timeline" | "replay" | "qa";
const tabs: Array<[Tab, string]> = [
  ["timeline", "Timeline"],
  ["replay", "Replay"],
  ["qa", "QA"],
];

function Header(p: { trace: Trace }) {
  const t = p.trace;
  const env = t.environment;
  return (
    <header class="trace-head">
      <h2>{visibleControls(t.task?.description || "(no task description)")}</h2>
      <dl class="fields">
        <dt>trace</dt>
        <dd>
          <code>{t.id}</code>
        </dd>
        <dt>repository</dt>
        <dd>{visibleControls(t.task?.repoUrl ?? "")}</dd>
        <dt>base commit</dt>
        <dd>
          <code>{visibleControls(t.task?.baseCommit ?? "")}</code>
          {t.task?.branch ? ` on ${visibleControls(t.task.branch)}` : ""}
        </dd>
        <dt>developer</dt>
        <dd>
          {visibleControls(t.developer?.id ?? "")}
          {t.developer?.name ? ` (${visibleControls(t.developer.name)})` : ""}
        </dd>
        <dt>environment</dt>
        <dd>{visibleControls([env?.os, env?.editor, env?.editorVersion, env?.shell, env?.agentVersion].filter(Boolean).join(" · "))}</dd>
        <dt>status</dt>
        <dd>
          <span class={`badge status-${t.status}`} data-testid="trace-status">
            {statusLabel(t.status)}
          </span>
          {t.statusDetail ? ` ${visibleControls(t.statusDetail)}` : ""}
        </dd>
        <dt>score</dt>
        <dd>{t.qa && !inQa(t.status) ? t.qa.overall.toFixed(3) : "—"}</dd>
        <dt>recorded</dt>
        <dd>
          {String(t.eventCount)} events · created {when(t.createdAt)} · sealed {when(t.sealedAt)}
        </dd>
      </dl>
    </header>
  );
}

/** One trace: its header, then the timeline, the replay or the QA panel. */
export function TracePage(p: { client: TraceClient; id: string; query: URLSearchParams; onAuthError: (e: unknown) => void }) {
  const [trace, setTrace] = useState<Trace | undefined>();
  const [events, setEvents] = useState<Event[]>([]);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState(-1);
  const [liveNote, setLiveNote] = useState<string | undefined>();
  const tab: Tab = (tabs.find(([t]) => t === p.query.get("tab"))?.[0] ?? "timeline") as Tab;

  useEffect(() => {
    const abort = new AbortController();
    setTrace(undefined);
    setEvents([]);
    setComplete(false);
    setError(undefined);
    setSelected(-1);
    loadTrace(
      p.client,
      p.id,
      (t, evs, done) => {
        if (done && !performance.getEntriesByName("devtrace:events-loaded").length) {
          performance.mark("devtrace:events-loaded", { detail: { events: evs.length } });
        }
        setTrace(t);
        setEvents(evs);
        setComplete(done);
      },
      abort.signal,
    ).catch((e: unknown) => {
      if (abort.signal.aborted) return;
      p.onAuthError(e);
      setError(rpcErrorText(e));
    });
    return () => abort.abort();
  }, [p.client, p.id]);

  const watching = trace !== undefined && trace.status !== TraceStatus.DONE && trace.status !== TraceStatus.FAILED;
  useEffect(() => {
    if (!watching) return;
    const abort = new AbortController();
    void watchLive(
      p.client,
      p.id,
      {
        onTrace: setTrace,
        onInterrupted: setLiveNote,
        onFatal: (e) => {
          p.onAuthError(e);
          setError(`Live updates stopped: ${rpcErrorText(e)}`);
        },
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [p.client, p.id, watching]);

  const { lanes, t0, t1 } = useMemo(() => buildLanes(events), [events]);
  const href = (t: Tab) => traceHref(p.id, new URLSearchParams(t === "timeline" ? "" : `tab=${t}`));
  if (error && !trace)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!trace) return <p aria-busy="true">Loading trace…</p>;
  return (
    <article class="trace">
      <Header trace={trace} />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {liveNote ? (
        <p class="warning" role="status">
          {liveNote}
        </p>
      ) : null}
      <nav class="tabs" aria-label="Trace views">
        {tabs.map(([t, name]) => (
          <a key={t} href={href(t)} aria-current={t === tab ? "page" : undefined}>
            {name}
          </a>
        ))}
      </nav>
      {!complete ? (
        <p class="muted" aria-live="polite">
          Loading events: {events.length} of {String(trace.eventCount)}…
        </p>
      ) : null}
      {tab === "timeline" ? (
        <section aria-label="Timeline">
          <Timeline events={events} lanes={lanes} t0={t0} t1={t1} selected={selected} complete={complete} onSelect={setSelected} />
          <div class="events-split">
            <EventList events={events} selected={selected} onSelect={setSelected} t0={t0} />
            <div class="detail">
              {selected >= 0 && events[selected] ? (
                <EventDetail event={events[selected]} />
              ) : (
                <p class="muted">Select an event in the timeline or the list (↑ ↓ keys) to see it whole.</p>
              )}
            </div>
          </div>
        </section>
      ) : null}
      {tab === "replay" ? complete ? <ReplayPanel events={events} /> : <p class="muted">Replay opens once every event is loaded.</p> : null}
      {tab === "qa" ? <QaPanel trace={trace} /> : null}
    </article>
  );
}
