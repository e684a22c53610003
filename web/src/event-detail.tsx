import type { ComponentChildren } from "preact";
import type { Event, Location } from "../../gen/devtrace/v1/event_pb.js";
import { DiffView } from "./diff-view.js";
import { duration, kindName, ms, visibleControls, when } from "./format.js";
import { OutputView } from "./output-view.js";

function Field(p: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{p.name}</dt>
      <dd>{p.children}</dd>
    </>
  );
}

/** Untrusted text shown as text, control characters visible. */
function T(p: { v: string }) {
  return <>{visibleControls(p.v)}</>;
}

function loc(l: Location | undefined): string {
  if (!l) return "—";
  const r = l.range?.start;
  const at = r ? `:${r.line + 1}:${r.column + 1}` : "";
  return visibleControls(`${l.path}${at}${l.symbol ? ` (${l.symbol}${l.symbolKind ? `, ${l.symbolKind}` : ""})` : ""}`);
}

/** One event shown whole. Every string in it is untrusted and rendered as text. */
export function EventDetail(p: { event: Event }) {
  const e = p.event;
  const k = e.kind;
  const head = (
    <p class="event-head">
      <span class={`kind kind-${kindName(e)}`}>{kindName(e)}</span> #{String(e.seq)} · {when(e.time)} · session{" "}
      <code>
        <T v={e.sessionId} />
      </code>
    </p>
  );
  let body: ComponentChildren;
  switch (k.case) {
    case "terminalCommand": {
      const c = k.value;
      body = (
        <>
          <pre class="command-line">
            $ <T v={c.commandLine} />
          </pre>
          <dl class="fields">
            <Field name="cwd">
              <T v={c.cwd} />
            </Field>
            <Field name="exit code">{c.exitCode === undefined ? "not reported" : String(c.exitCode)}</Field>
            <Field name="started">{when(c.startedAt)}</Field>
            <Field name="duration">{duration(Number(c.durationMs))}</Field>
            <Field name="shell">
              <T v={c.shell} />
            </Field>
          </dl>
          <OutputView text={c.output} label="Command output" totalBytes={c.outputBytes} cutBytes={c.outputBytesCut} />
        </>
      );
      break;
    }
    case "fileEdit":
      body = (
        <>
          <dl class="fields">
            <Field name="file">
              <T v={k.value.path} />
            </Field>
            <Field name="lines">
              +{k.value.linesAdded} −{k.value.linesRemoved}
            </Field>
            <Field name="sha-256">
              <code>{k.value.beforeSha256.slice(0, 12)}</code> → <code>{k.value.afterSha256.slice(0, 12)}</code>
            </Field>
          </dl>
          <DiffView diff={k.value.unifiedDiff} label={`Diff of ${k.value.path}`} />
        </>
      );
      break;
    case "fileCreated":
      body = (
        <>
          <dl class="fields">
            <Field name="file">
              <T v={k.value.path} />
            </Field>
            <Field name="size">{String(k.value.sizeBytes)} bytes</Field>
          </dl>
          <DiffView diff={k.value.unifiedDiff} label={`Content of ${k.value.path}`} />
        </>
      );
      break;
    case "fileDeleted":
      body = (
        <dl class="fields">
          <Field name="file">
            <T v={k.value.path} />
          </Field>
        </dl>
      );
      break;
    case "fileRenamed":
      body = (
        <dl class="fields">
          <Field name="from">
            <T v={k.value.oldPath} />
          </Field>
          <Field name="to">
            <T v={k.value.newPath} />
          </Field>
        </dl>
      );
      break;
    case "fileOpened":
      body = (
        <dl class="fields">
          <Field name="file">
            <T v={k.value.path} />
          </Field>
          <Field name="language">
            <T v={k.value.language} />
          </Field>
        </dl>
      );
      break;
    case "thought":
      body = (
        <figure class="note">
          <blockquote class="note-text">
            <T v={k.value.text} />
          </blockquote>
          {k.value.tags.length > 0 ? (
            <figcaption>
              {k.value.tags.map((t, i) => (
                <span key={i} class="tag">
                  <T v={t} />
                </span>
              ))}
            </figcaption>
          ) : null}
        </figure>
      );
      break;
    case "commitMade":
      body = (
        <dl class="fields">
          <Field name="commit">
            <code>
              <T v={k.value.sha} />
            </code>
          </Field>
          <Field name="branch">
            <T v={k.value.branch} />
          </Field>
          <Field name="parents">
            <T v={k.value.parentShas.join(", ")} />
          </Field>
          <Field name="message">
            <pre class="plain">
              <T v={k.value.message} />
            </pre>
          </Field>
        </dl>
      );
      break;
    case "branchSwitched":
      body = (
        <dl class="fields">
          <Field name="from">
            <T v={k.value.fromBranch} />
          </Field>
          <Field name="to">
            <T v={k.value.toBranch} />
          </Field>
          <Field name="head">
            <code>
              <T v={k.value.headSha} />
            </code>
          </Field>
        </dl>
      );
      break;
    case "pushRemote":
      body = (
        <dl class="fields">
          <Field name="remote">
            <T v={k.value.remote} />
          </Field>
          <Field name="branch">
            <T v={k.value.branch} />
          </Field>
        </dl>
      );
      break;
    case "prOpened":
      body = (
        <dl class="fields">
          <Field name="title">
            <T v={k.value.title} />
          </Field>
          {/* The URL is shown as text: a trace could carry a javascript: link. */}
          <Field name="url">
            <code>
              <T v={k.value.url} />
            </code>
          </Field>
          <Field name="branches">
            <T v={`${k.value.headBranch} → ${k.value.baseBranch}`} />
          </Field>
        </dl>
      );
      break;
    case "goToDefinition":
      body = (
        <dl class="fields">
          <Field name="from">{loc(k.value.source)}</Field>
          <Field name="to">{loc(k.value.target)}</Field>
          <Field name="latency">{k.value.latencyMs} ms</Field>
        </dl>
      );
      break;
    case "findReferences":
      body = (
        <>
          <dl class="fields">
            <Field name="symbol at">{loc(k.value.source)}</Field>
            <Field name="references">{k.value.references.length}</Field>
          </dl>
          <ul class="refs">
            {k.value.references.slice(0, 500).map((r, i) => (
              <li key={i}>{loc(r)}</li>
            ))}
          </ul>
        </>
      );
      break;
    case "recordLost":
      body = (
        <p class="warning" role="note">
          The agent lost this record: <T v={k.value.reason} />
        </p>
      );
      break;
    default:
      body = <p class="muted">An event kind this page does not know.</p>;
  }
  return (
    <section class="event-detail" aria-label={`Event ${String(e.seq)}`} data-time={ms(e.time)}>
      {head}
      {body}
    </section>
  );
}
