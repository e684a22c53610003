/** An OpenAI-style function tool. */
export interface ToolSchema {
  type: "function";
  function: { name: string; description: string; parameters: { type: "object"; properties: Record<string, { type: string; description: string }>; required: string[] } };
}

const tool = (name: string, description: string, props: Record<string, string>, required = Object.keys(props)): ToolSchema => ({
  type: "function",
  function: {
    name,
    description,
    parameters: {
      type: "object",
      properties: Object.fromEntries(Object.entries(props).map(([k, d]) => [k, { type: k === "line" || k === "column" ? "integer" : "string", description: d }])),
      required,
    },
  },
});

/** The tools a recorded developer "called", in the form trainers pass as `tools`. */
export const trajectoryTools: ToolSchema[] = [
  tool("bash", "Run a command in a terminal; the result is its output and exit code.", {
    command: "the command line",
    cwd: "working directory (~ is the home directory)",
  }, ["command"]),
  tool("edit", "Change or create a file; the result says what changed.", {
    path: "file path relative to the repository root",
    diff: "unified diff (a/ and b/ prefixes) applicable with git apply",
  }),
  tool("delete_file", "Delete a file.", { path: "file path relative to the repository root" }),
  tool("rename_file", "Move a file.", { old_path: "current path", new_path: "new path" }),
  tool("open_file", "Open a file in the editor.", { path: "file path relative to the repository root" }),
  tool("go_to_definition", "Jump from a use of a symbol to its definition; the result is where it is.", {
    path: "file of the use",
    line: "zero-based line of the use",
    column: "zero-based column of the use",
    symbol: "the symbol",
  }, ["path", "line", "column"]),
  tool("find_references", "List the references of a symbol; the result is one location per line.", {
    path: "file of the symbol",
    line: "zero-based line",
    column: "zero-based column",
    symbol: "the symbol",
  }, ["path", "line", "column"]),
];

/** trajectoryTools as the JSON string the `tools` column holds. */
export const trajectoryToolsJson = JSON.stringify(trajectoryTools);
