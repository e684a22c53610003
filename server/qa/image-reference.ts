// The grammar of github.com/distribution/reference, which the Docker engine parses with.
const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `${domainPart}(?:\\.${domainPart})*(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const reference = new RegExp(`^(?:${domain}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);
const imageId = /^sha256:[0-9a-f]{64}$/;

/**
 * Why `image` is not a Docker image reference ("name[:tag][@digest]" or "sha256:<id>"),
 * or undefined when it is one. Anything else must never reach the Engine API: a name with
 * "//" or ".." makes the engine answer a redirect that its client follows to a host
 * named after the path (the `getaddrinfo ENOTFOUND images` crash).
 */
export function imageReferenceProblem(image: string): string | undefined {
  if (image === "") return "is empty";
  if (image.length > 512) return `is ${image.length} characters, over the 512 limit`;
  if (imageId.test(image)) return undefined;
  if (!reference.test(image)) return `"${printable(image)}" is not a Docker image reference (name[:tag][@digest], lower-case name)`;
  const name = image.replace(/@.*$/, "").replace(/:[\w][\w.-]*$/, "");
  if (name.length > 255) return `its name is ${name.length} characters, over Docker's 255 limit`;
  return undefined;
}

function printable(s: string): string {
  const cut = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
