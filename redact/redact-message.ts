import { clone, ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { treatmentOf, type FieldTreatment } from "./field-policy.js";
import { countMarkers, RedactionTally } from "./redaction-tally.js";
import type { Redaction, TextKind } from "./redactor.js";
import { stripUrlUserinfo } from "./repo-url.js";

/** Anything that redacts one text and says what it replaced (a Redactor). */
export interface DetailedRedactor {
  redactDetailed(text: string, kind?: TextKind): Promise<Redaction>;
}

/** Options of redactMessage(). */
export interface RedactMessageOptions {
  /** Counts what this call replaced, by rule. Default: not counted. */
  tally?: RedactionTally;
  /** Counts the markers the message already carried (a client's own redaction). Default: not counted. */
  alreadyRedacted?: RedactionTally;
  /**
   * Drops fields this build does not know (they may hold anything, and the policy cannot
   * have decided on them). Default false.
   */
  dropUnknown?: boolean;
}

/**
 * A copy of `message` with every string field treated as fieldPolicy says, nested messages
 * and oneofs included. A string field without a decision is redacted as text: an unknown
 * field never goes out as it came. The input is not modified.
 */
export async function redactMessage<Desc extends DescMessage>(
  redactor: DetailedRedactor,
  schema: Desc,
  message: MessageShape<Desc>,
  options: RedactMessageOptions = {},
): Promise<MessageShape<Desc>> {
  const copy = clone(schema, message);
  await walk(redactor, reflect(schema, copy), options);
  return copy;
}

async function walk(redactor: DetailedRedactor, r: ReflectMessage, options: RedactMessageOptions): Promise<void> {
  if (options.dropUnknown) r.setUnknown([]);
  const pending: Array<Promise<void>> = [];
  for (const field of r.fields) {
    if (!r.isSet(field)) continue;
    if (field.fieldKind === "message") {
      pending.push(walk(redactor, r.get(field) as ReflectMessage, options));
    } else if (field.fieldKind === "list" && field.listKind === "message") {
      for (const item of r.get(field)) pending.push(walk(redactor, item as ReflectMessage, options));
    } else if (isString(field)) {
      const treatment = treatmentOf(r.desc.typeName, field.name) ?? "text";
      pending.push(redactField(redactor, r, field, treatment, options));
    }
  }
  await Promise.all(pending);
}

function isString(field: DescField): boolean {
  return (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) && field.scalar === ScalarType.STRING;
}

async function redactField(redactor: DetailedRedactor, r: ReflectMessage, field: DescField, treatment: FieldTreatment, options: RedactMessageOptions): Promise<void> {
  if (treatment === "keep" || treatment === "server" || treatment === "credential" || treatment === "query") return;
  const one = async (text: string): Promise<string> => {
    if (options.alreadyRedacted) countMarkers(text, options.alreadyRedacted);
    const input = treatment === "url" ? stripUrlUserinfo(text) : text;
    if (input !== text) options.tally?.add("url-userinfo", 1);
    const out = await redactor.redactDetailed(input, {
      diff: treatment === "diff",
      prose: treatment === "prose",
      keepHome: treatment === "url",
    });
    options.tally?.addRanges(out.ranges);
    return out.text;
  };
  if (field.fieldKind === "list") {
    const list = r.get(field);
    const values = await Promise.all([...list].map((v) => one(v as string)));
    values.forEach((v, i) => list.set(i, v));
  } else {
    r.set(field, await one(r.get(field) as string));
  }
}
