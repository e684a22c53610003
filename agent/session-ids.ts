/** Session id of notes written outside a recorded shell. */
export const cliSessionId = "cli";

/** Session id of editor events that name none. */
export const editorSessionId = "editor";
