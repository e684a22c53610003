/** One element of a parsed XML document: enough structure for JUnit reports, nothing more. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside the element, entities decoded. */
  text: string;
}

const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith("#")) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return entities[ref] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

const attrPattern = /([A-Za-z_][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

function parseAttrs(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(attrPattern)) attrs[m[1]] = decodeEntities(m[3] ?? m[4] ?? "");
  return attrs;
}

/**
 * Parses an untrusted XML document into a tree. Tolerant of what test reporters emit
 * (declarations, comments, CDATA); returns an error instead of throwing on garbage.
 */
export function parseXml(xml: string): { value: XmlElement } | { error: string } {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const token = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^>]*?)?)(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (const m of xml.matchAll(token)) {
    if (m.index !== consumed) return { error: `unexpected markup at offset ${consumed}` };
    consumed = m.index + m[0].length;
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) top.text += m[1];
    else if (m[6] !== undefined) top.text += decodeEntities(m[6]);
    else if (m[3] !== undefined) {
      if (m[2] === "/") {
        if (top.name !== m[3] || stack.length === 1) return { error: `unexpected </${m[3]}>` };
        stack.pop();
      } else {
        const el: XmlElement = { name: m[3], attrs: parseAttrs(m[4] ?? ""), children: [], text: "" };
        top.children.push(el);
        if (m[5] !== "/") stack.push(el);
      }
    }
  }
  if (consumed !== xml.length) return { error: `unexpected markup at offset ${consumed}` };
  if (stack.length !== 1) return { error: `unclosed <${stack[stack.length - 1].name}>` };
  return { value: root };
}

/** All descendants named `name`, depth first. */
export function findAll(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const child of el.children) {
    if (child.name === name) out.push(child);
    findAll(child, name, out);
  }
  return out;
}
