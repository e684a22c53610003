import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the fake OpenAI service. */
export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A request the fake received, body parsed as JSON. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local OpenAI-compatible HTTP server a test starts; it records requests and answers from a script. */
export interface FakeOpenAi extends AsyncDisposable {
  /** Base URL for the SDK (…/v1). */
  baseUrl: string;
  requests: FakeRequest[];
  /** Queues replies; when the queue is empty, `fallback` answers. */
  script(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** A chat completion whose message content is `content`, with usage counts. */
export function completion(content: string, model = "gpt-4o-mini-2024-07-18"): FakeReply {
  return {
    status: 200,
    body: {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content, refusal: null } }],
      usage: { prompt_tokens: 1234, completion_tokens: 321, total_tokens: 1555 },
    },
  };
}

/** A valid judgement giving every dimension `score`. */
export function judgement(score = 4): string {
  const dims = ["problem_understanding", "investigation_strategy", "decision_rationale", "use_of_evidence", "reproducibility", "safety_privacy_awareness"];
  return JSON.stringify({ ...Object.fromEntries(dims.map((d) => [d, { rationale: `${d}: see #1 and #2`, score }])), summary: "Solid, evidence-led fix." });
}

/** Starts the fake on 127.0.0.1:0. */
export async function startFakeOpenAi(fallback: FakeReply = completion(judgement())): Promise<FakeOpenAi> {
  const queue: FakeReply[] = [];
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      const reply = queue.shift() ?? fallback;
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => void queue.push(...replies),
    close,
    [Symbol.asyncDispose]: close,
  };
}
