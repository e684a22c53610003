import { clone } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";

/** Anything that redacts one text (a Redactor). */
export interface TextRedactor {
  redact(text: string): Promise<string>;
}

/**
 * A copy of `event` whose free-text fields are redacted: command line, cwd and output
 * of a terminal command, the diffs of edits and new files, a thought's text and tags, a
 * commit message, a PR's url and title, and a push remote (it may hold a token in its
 * URL), and the symbols of navigation events (devtrace lsp). Paths, hashes, branch names
 * and ids are left alone. The input is not modified.
 */
export async function redactEvent(redactor: TextRedactor, event: Event): Promise<Event> {
  const copy = clone(EventSchema, event);
  const r = (text: string) => redactor.redact(text);
  const kind = copy.kind;
  switch (kind.case) {
    case "terminalCommand": {
      const v = kind.value;
      [v.commandLine, v.cwd, v.output] = await Promise.all([r(v.commandLine), r(v.cwd), r(v.output)]);
      break;
    }
    case "fileEdit":
    case "fileCreated":
      kind.value.unifiedDiff = await r(kind.value.unifiedDiff);
      break;
    case "thought": {
      const v = kind.value;
      [v.text, v.tags] = await Promise.all([r(v.text), Promise.all(v.tags.map(r))]);
      break;
    }
    case "commitMade":
      kind.value.message = await r(kind.value.message);
      break;
    case "prOpened": {
      const v = kind.value;
      [v.url, v.title] = await Promise.all([r(v.url), r(v.title)]);
      break;
    }
    case "pushRemote":
      kind.value.remote = await r(kind.value.remote);
      break;
    case "goToDefinition":
    case "findReferences": {
      // Symbols are text read from the developer's files (devtrace lsp).
      const locations = kind.case === "goToDefinition" ? [kind.value.source, kind.value.target] : [kind.value.source, ...kind.value.references];
      await Promise.all(locations.map(async (l) => l && (l.symbol = await r(l.symbol))));
      break;
    }
    default:
      break;
  }
  return copy;
}
