import { configureTextEncoding, getTextEncoding } from "@bufbuild/protobuf/wire";

/**
 * What a protobuf string that was not valid UTF-8 decodes to in this process: a lone
 * low surrogate (which no valid UTF-8 can produce) followed by the lossy decoding.
 * Validators (well-formed.ts) refuse any string with a lone surrogate as INVALID_ARGUMENT
 * naming its field.
 */
export const invalidUtf8Marker = "\uDFFF";

let installed = false;

/**
 * Makes protobuf-es hand invalid UTF-8 to the validators instead of throwing. Without it,
 * connect-es answers a unary binary request holding invalid UTF-8 with INTERNAL ("parse
 * binary"), before any interceptor runs, and the client cannot tell it sent bad bytes.
 * Idempotent; configures protobuf-es for this process (the server's).
 */
export function routeInvalidUtf8ToValidators(): void {
  if (installed) return;
  installed = true;
  const base = getTextEncoding();
  configureTextEncoding({
    encodeUtf8: (text) => base.encodeUtf8(text),
    encodeUtf8Into: (text, into) => base.encodeUtf8Into(text, into),
    checkUtf8: (text) => base.checkUtf8(text),
    decodeUtf8(bytes, strict) {
      try {
        return base.decodeUtf8(bytes, strict);
      } catch {
        return invalidUtf8Marker + base.decodeUtf8(bytes, false);
      }
    },
  });
}
