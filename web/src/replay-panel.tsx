import { useMemo, useState } from "preact/hooks";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { eventSummary, ms, visibleControls, when } from "./format.js";
import { OutputView } from "./output-view.js";
import { Replayer, isComplete } from "./replay.js";
import type { ReplayFile } from "./replay.js";
import { VirtualRows } from "./virtual-rows.js";

type Row = { no: number; text: string } | { gap: number };

function fileRows(f: ReplayFile): Row[] {
  const rows: Row[] = [];
  let no = 1;
  for (const p of f.pieces) {
    if (typeof p === "string") rows.push({ no: no++, text: visibleControls(p) });
    else {
      rows.push({ gap: p.gap });
      no += Number.isFinite(p.gap) ? p.gap : 0;
    }
  }
  return rows;
}

function FileView(p: { file: ReplayFile }) {
  const rows = useMemo(() => fileRows(p.file), [p.file]);
  if (p.file.binary) return <p class="muted">Binary file: its content is not in the trace.</p>;
  return (
    <VirtualRows
      count={rows.length}
      rowHeight={18}
      height={420}
      class="file-view"
      attrs={{ role: "region", "aria-label": `Content of ${p.file.path}`, tabIndex: 0 }}
      row={(i) => {
        const r = rows[i];
        return "gap" in r ? (
          <div key={i} class="file-gap">
            ⋯ {Number.isFinite(r.gap) ? `${r.gap} line${r.gap === 1 ? "" : "s"} not recorded` : "rest of the file not recorded"} ⋯
          </div>
        ) : (
          <div key={i} class="file-line">
            <span class="ln">{r.no}</span>
            {r.text || "\u00a0"}
          </div>
        );
      }}
    />
  );
}

/**
 * A scrubber over the session: at each step the files the trace has touched, rebuilt from
 * the diffs so far (see replay.ts for what is and is not known), the file being edited and
 * the last command beside it.
 */
export function ReplayPanel(p: { events: readonly Event[] }) {
  const replayer = useMemo(() => new Replayer(p.events), [p.events]);
  const [step, setStep] = useState(p.events.length - 1);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const n = p.events.length;
  const at = Math.max(-1, Math.min(step, n - 1));
  const state = useMemo(() => replayer.at(at), [replayer, at]);
  let lastCommand: Event | undefined;
  let editing: string | undefined;
  for (let i = at; i >= 0 && (!lastCommand || !editing); i--) {
    const k = p.events[i].kind;
    if (!lastCommand && k.case === "terminalCommand") lastCommand = p.events[i];
    if (!editing && (k.case === "fileEdit" || k.case === "fileCreated")) editing = k.value.path;
    if (!editing && k.case === "fileRenamed") editing = k.value.newPath;
  }
  const paths = [...state.files.keys()].sort();
  const shown = picked && state.files.has(picked) ? picked : editing && state.files.has(editing) ? editing : paths[0];
  const file = shown ? state.files.get(shown) : undefined;
  const current = at >= 0 ? p.events[at] : undefined;
  const go = (s: number) => setStep(Math.max(-1, Math.min(n - 1, s)));
  return (
    <section class="replay" aria-label="Replay">
      <div class="scrubber">
        <button type="button" onClick={() => go(at - 1)} disabled={at < 0} aria-label="Step back">
          ◀
        </button>
        <label>
          <span class="sr-only">Replay step</span>
          <input
            type="range"
            min={-1}
            max={n - 1}
            value={at}
            aria-valuetext={current ? `step ${at + 1} of ${n}: ${eventSummary(current)}` : "base commit"}
            onInput={(e) => go(Number((e.currentTarget as HTMLInputElement).value))}
          />
        </label>
        <button type="button" onClick={() => go(at + 1)} disabled={at >= n - 1} aria-label="Step forward">
          ▶
        </button>
        <output class="step" aria-live="polite">
          {current ? `Step ${at + 1} of ${n} · ${when(current.time)} · ${eventSummary(current)}` : `Base commit (before event 1 of ${n})`}
        </output>
      </div>
      <div class="replay-body">
        <nav class="replay-files" aria-label="Files at this step">
          <ul>
            {paths.map((path) => {
              const f = state.files.get(path)!;
              return (
                <li key={path}>
                  <button type="button" aria-current={path === shown ? "true" : undefined} onClick={() => setPicked(path)}>
                    {path === editing ? "✎ " : ""}
                    {visibleControls(path)}
                    {isComplete(f) ? "" : " (partial)"}
                    {f.conflicts ? ` ⚠${f.conflicts}` : ""}
                  </button>
                </li>
              );
            })}
            {[...state.deleted].sort().map((path) => (
              <li key={`d:${path}`} class="deleted">
                <del>{visibleControls(path)}</del>
              </li>
            ))}
          </ul>
          {paths.length === 0 ? <p class="muted">No file changed yet at this step.</p> : null}
        </nav>
        <div class="replay-file">
          <h3>{shown ? visibleControls(shown) : "No file"}</h3>
          {file ? <FileView file={file} /> : null}
          {file && file.conflicts > 0 ? (
            <p class="warning">
              {file.conflicts} change{file.conflicts === 1 ? "" : "s"} did not match the lines already known (a change the watcher
              missed); the newer diff was trusted.
            </p>
          ) : null}
        </div>
        <aside class="replay-command" aria-label="Last command">
          <h3>Last command</h3>
          {lastCommand && lastCommand.kind.case === "terminalCommand" ? (
            <>
              <pre class="command-line">$ {visibleControls(lastCommand.kind.value.commandLine)}</pre>
              <p>
                exit {lastCommand.kind.value.exitCode ?? "not reported"} · {when(lastCommand.time)} ·{" "}
                {((ms(current?.time) - ms(lastCommand.time)) / 1000).toFixed(1)} s before this step
              </p>
              <OutputView
                text={lastCommand.kind.value.output}
                label="Last command output"
                cutBytes={lastCommand.kind.value.outputBytesCut}
              />
            </>
          ) : (
            <p class="muted">No command yet.</p>
          )}
        </aside>
      </div>
    </section>
  );
}
