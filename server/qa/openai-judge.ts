import { create } from "@bufbuild/protobuf";
import OpenAI from "openai";
import type { Logger } from "pino";
import { JudgeResultSchema, type JudgeResult } from "../../gen/devtrace/v1/qa_pb.js";
import { buildJudgePrompt } from "./judge-prompt.js";
import { camelScores, judgeJsonSchema, judgeSchemaName, parseJudgeAnswer } from "./judge-schema.js";
import type { Judge, JudgeInput } from "./judge.js";
import { QaError } from "./qa-error.js";
import { currentRubric } from "./rubric/current-rubric.js";
import { dimensionKeys, type Rubric } from "./rubric/rubric.js";

/** Settings of OpenAiJudge. */
export interface OpenAiJudgeOptions {
  apiKey: string;
  /** OPENAI_BASE_URL: any OpenAI-compatible server; default the SDK's (api.openai.com). */
  baseUrl?: string;
  /** DEVTRACE_JUDGE_MODEL, default "gpt-4o-mini". */
  model?: string;
  /** Retries on 429, 5xx, connection errors and timeouts, with the SDK's exponential back-off. Default 4. */
  maxRetries?: number;
  /** Per-request timeout, default 120 000 ms. */
  timeoutMs?: number;
  /** Prompt budget in tokens, default 24 000. */
  budgetTokens?: number;
  rubric?: Rubric;
}

/** An LLM judge through the openai SDK with Structured Outputs (strict JSON schema) at temperature 0. */
export class OpenAiJudge implements Judge {
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly rubric: Rubric;

  constructor(
    private readonly options: OpenAiJudgeOptions,
    private readonly logger: Logger,
  ) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: options.maxRetries ?? 4, timeout: options.timeoutMs ?? 120_000 });
    this.model = options.model ?? "gpt-4o-mini";
    this.rubric = options.rubric ?? currentRubric;
  }

  /** Asks the model once (the SDK retries transient failures); validates every field of the answer. */
  async judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeResult> {
    const prompt = buildJudgePrompt(input, this.rubric, this.options.budgetTokens);
    const started = Date.now();
    const about = `judge ${this.model} (prompt sha256 ${prompt.sha256.slice(0, 12)})`;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.model,
          temperature: 0,
          messages: [
            { role: "system", content: prompt.system },
            { role: "user", content: prompt.user },
          ],
          response_format: { type: "json_schema", json_schema: { name: judgeSchemaName, strict: true, schema: judgeJsonSchema as unknown as Record<string, unknown> } },
        },
        { signal },
      );
    } catch (err) {
      if (err instanceof OpenAI.APIError && err.status !== undefined && err.status < 500 && err.status !== 429 && err.status !== 408) {
        throw new QaError("judge_invalid", `${about} refused the request: ${err.message}`, { cause: err });
      }
      throw new QaError("judge_unavailable", `${about} unavailable after retries: ${(err as Error).message}`, { cause: err });
    }
    const latencyMs = Date.now() - started;
    const choice = completion.choices[0];
    const usage = completion.usage;
    this.logger.info({ traceId: input.traceId, model: this.model, latencyMs, promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens, omittedEvents: prompt.omittedEvents }, "judge answered");
    if (!choice) throw new QaError("judge_invalid", `${about} returned no choice`);
    if (choice.message.refusal) throw new QaError("judge_invalid", `${about} refused: ${choice.message.refusal}`);
    if (choice.finish_reason === "length") throw new QaError("judge_invalid", `${about} ran out of output tokens`);
    const parsed = parseJudgeAnswer(choice.message.content ?? "");
    if ("error" in parsed) throw new QaError("judge_invalid", `${about} returned invalid output: ${parsed.error}`);
    const scores = parsed.value.scores;
    return create(JudgeResultSchema, {
      model: completion.model || this.model,
      heuristic: false,
      rubricVersion: this.rubric.version,
      ...camelScores(scores),
      overall: dimensionKeys.reduce((n, k) => n + scores[k].score, 0) / dimensionKeys.length,
      summary: parsed.value.summary,
      promptSha256: prompt.sha256,
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      latencyMs: BigInt(latencyMs),
    });
  }
}
