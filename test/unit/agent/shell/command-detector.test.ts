import { describe, expect, it } from "vitest";
import { CommandDetector, type DetectedCommand } from "../../../../agent/shell/command-detector.js";
import { OscParser } from "../../../../agent/shell/osc-parser.js";
import { escapeValue } from "../../../../agent/shell/osc633-message.js";
import { loadRecording, recordings } from "./osc-fixtures.js";

const NONCE = "n0nce";

/** A fake clock that moves 10 ms per reading. */
function clock(): () => number {
  let t = Date.UTC(2024, 0, 1);
  return () => (t += 10);
}

function detect(chunks: Uint8Array[], options: { nonce?: string; shell?: string; head?: number; tail?: number } = {}): DetectedCommand[] {
  const parser = new OscParser();
  const detector = new CommandDetector({
    shell: options.shell ?? "bash",
    nonce: "nonce" in options ? options.nonce : NONCE,
    outputHeadBytes: options.head,
    outputTailBytes: options.tail,
    now: clock(),
  });
  const out: DetectedCommand[] = [];
  for (const token of [...chunks.flatMap((c) => parser.push(c)), ...parser.end()]) {
    const c = detector.push(token);
    if (c) out.push(c);
  }
  const last = detector.end();
  if (last) out.push(last);
  return out;
}

const osc = (payload: string): string => `\x1b]633;${payload}\x07`;
const prompt = (cwd: string): string => `${osc(`P;Cwd=${escapeValue(cwd)}`)}${osc("A")}$ ${osc("B")}`;
/** A command line as bash integration reports it: typed echo, E, C, output, D. */
const run = (line: string, output: string, exit: number | null, nonce = NONCE): string =>
  `${line}\r\n${osc(`E;${escapeValue(line)};${nonce}`)}${osc("C")}${output}${exit === null ? "" : osc(`D;${exit};${nonce}`)}`;

type Expect = Partial<DetectedCommand> & { commandLine: string };
const cases: [string, string, Expect[]][] = [
  ["one command", prompt("/w") + run("ls", "a\r\nb\r\n", 0) + prompt("/w"), [{ commandLine: "ls", cwd: "/w", exitCode: 0, output: "a\nb\n" }]],
  ["a failing command", prompt("/w") + run("make", "error\r\n", 2) + prompt("/w"), [{ commandLine: "make", exitCode: 2, output: "error\n" }]],
  [
    "cwd is where the command was typed",
    prompt("/a") + run("cd /b", "", 0) + prompt("/b") + run("pwd", "/b\r\n", 0),
    [{ commandLine: "cd /b", cwd: "/a" }, { commandLine: "pwd", cwd: "/b" }],
  ],
  ["Ctrl-C at the prompt is no command", prompt("/w") + "half^C\r\n" + prompt("/w") + "\r\n" + prompt("/w"), []],
  ["an empty line is no command", prompt("/w") + run("", "", 0) + prompt("/w"), []],
  ["a leading space keeps it private", prompt("/w") + run(" export TOKEN=x", "", 0) + prompt("/w") + run("ls", "", 0), [{ commandLine: "ls" }]],
  ["devtrace note is recorded as a thought, not a command", prompt("/w") + run("devtrace note it is the cache", "", 0) + run("npx devtrace note x", "", 0), []],
  ["a multi-line command", prompt("/w") + run("for i in 1 2\ndo echo $i\ndone", "1\r\n2\r\n", 0), [{ commandLine: "for i in 1 2\ndo echo $i\ndone", output: "1\n2\n" }]],
  ["escapes are stripped from output", prompt("/w") + run("ls --color", "\x1b[34mdir\x1b[0m\r\n", 0), [{ output: "dir\n", commandLine: "ls --color" }]],
  ["the shell exiting mid-command leaves no exit code", prompt("/w") + run("sleep 100", "", null), [{ commandLine: "sleep 100" }]],
  [
    "a lost D: the next E ends the command without an exit code",
    // Without D, all the screen showed until the next command (its typed echo too) is output.
    prompt("/w") + run("one", "1\r\n", null) + run("two", "2\r\n", 0),
    [{ commandLine: "one", output: "1\ntwo\n" }, { commandLine: "two", exitCode: 0 }],
  ],
  [
    "a program printing OSC 633 cannot make up a command or end one",
    prompt("/w") + run("cat log", `x\r\n${osc("E;rm -rf /;wrong")}${osc("C")}${osc("D;0;wrong")}${osc("D;0")}${osc("A")}${osc("P;Cwd=/evil")}y\r\n`, 0) + prompt("/w") + run("pwd", "", 0),
    [{ commandLine: "cat log", exitCode: 0, output: "x\ny\n" }, { commandLine: "pwd", cwd: "/w" }],
  ],
  ["an E with the wrong nonce at the prompt is ignored", prompt("/w") + `${osc("E;fake;wrong")}${osc("C")}out\r\n${osc(`D;0;${NONCE}`)}`, []],
  ["C without E: something ran but it is not recorded", prompt("/w") + `${osc("C")}out${osc(`D;0;${NONCE}`)}`, []],
];

describe("CommandDetector", () => {
  it.each(cases)("%s", (_name, stream, expected) => {
    const got = detect([Buffer.from(stream, "utf8")]);
    expect(got).toHaveLength(expected.length);
    got.forEach((c, i) => expect(c).toMatchObject(expected[i]));
    for (const c of got) if (c.exitCode === undefined) expect("exitCode" in c).toBe(false);
  });

  it("times a command from C to D", () => {
    const [c] = detect([Buffer.from(prompt("/w") + run("ls", "", 0))]);
    // The fake clock ticks 10 ms per reading: one at C, one at D.
    expect(c.durationMs).toBe(10);
    expect(c.startedAt).toBeInstanceOf(Date);
  });

  it("trusts every sequence when no nonce is set (recordings of other tools)", () => {
    const got = detect([Buffer.from(prompt("/w") + `${osc("E;ls")}${osc("C")}x${osc("D;0")}`)], { nonce: undefined });
    expect(got).toMatchObject([{ commandLine: "ls", exitCode: 0, output: "x" }]);
  });

  it("bounds a long output to head and tail and counts what it cut", () => {
    const body = Array.from({ length: 1000 }, (_, i) => `line ${i}\r\n`).join("");
    const [c] = detect([Buffer.from(prompt("/w") + run("seq", body, 0))], { head: 20, tail: 20 });
    const stripped = body.replaceAll("\r\n", "\n");
    expect(c.outputBytes).toBe(Buffer.byteLength(stripped));
    expect(c.outputBytesCut).toBe(c.outputBytes - 40);
    expect(c.output.startsWith(stripped.slice(0, 20))).toBe(true);
    expect(c.output.endsWith(stripped.slice(-20))).toBe(true);
  });

  describe.each(recordings)("recorded session %s", (name) => {
    const rec = loadRecording(name);
    const check = (got: DetectedCommand[]): void => {
      expect(got.map((c) => c.commandLine)).toEqual(rec.commands.map((c) => c.commandLine));
      got.forEach((c, i) => {
        const want = rec.commands[i];
        expect(c.cwd).toBe(want.cwd);
        expect(c.shell).toBe(rec.shell);
        if (want.exitCode === null) expect("exitCode" in c).toBe(false);
        else expect(c.exitCode).toBe(want.exitCode);
        if (want.output !== null) expect(c.output).toBe(want.output);
        if (want.fullScreen !== undefined) expect(c.fullScreen).toBe(want.fullScreen);
        if (want.fullScreen) expect(c.fullScreenBytes).toBeGreaterThan(0);
        if (want.outputBytesReplaced !== undefined) expect(c.outputBytesReplaced).toBe(want.outputBytesReplaced);
      });
    };

    it("finds the typed commands, as the chunks arrived", () => {
      check(detect(rec.chunks, { nonce: rec.nonce, shell: rec.shell }));
    });

    it("finds the same commands fed byte by byte", () => {
      check(detect([...rec.bytes].map((b) => Uint8Array.of(b)), { nonce: rec.nonce, shell: rec.shell }));
    });

    it("finds the same commands cut at every offset", () => {
      const step = name === "bash-small" ? 1 : 5;
      for (let i = 1; i < rec.bytes.length; i += step) {
        check(detect([rec.bytes.subarray(0, i), rec.bytes.subarray(i)], { nonce: rec.nonce, shell: rec.shell }));
      }
    });

    it("records nothing when the nonce is not the session's", () => {
      expect(detect(rec.chunks, { nonce: "not-the-nonce", shell: rec.shell })).toEqual([]);
    });
  });
});
