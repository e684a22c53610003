/** When, where and which event a message comes from. */
export interface MessageStep {
  seq: number;
  session_id: string;
  /** ISO 8601, milliseconds. */
  time: string;
  /** The event kind in the trace, e.g. "terminal_command", "thought". */
  kind: string;
  /** A thought's tags (empty for other kinds). */
  tags: string[];
}

/** One tool call of an assistant message (OpenAI chat format; arguments are a JSON string). */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * One chat message. Every message has the same keys (null where they do not apply) so that the
 * Parquet column is one struct type; `steps` keeps seq, session and time of each recorded event
 * the message stands for (notes first, then the action), empty for the system and user messages.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  name: string | null;
  steps: MessageStep[];
}
