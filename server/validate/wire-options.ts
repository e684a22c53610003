import type { ConnectRouterOptions } from "@connectrpc/connect";
import { routeInvalidUtf8ToValidators } from "./invalid-utf8.js";

routeInvalidUtf8ToValidators();

/**
 * How requests are decoded, the same on every protocol:
 * - protobuf binary drops unknown fields at decode, so nothing the schema does not name
 *   (hence nothing validation did not see) is stored or served back;
 * - JSON bodies must be valid UTF-8 (a fatal decoder), instead of having bad bytes
 *   silently replaced by U+FFFD; invalid UTF-8 in a binary string reaches the validators
 *   marked (invalid-utf8.ts), which refuse it naming the field.
 */
export const wireOptions: Pick<ConnectRouterOptions, "jsonOptions" | "binaryOptions"> = {
  binaryOptions: { readUnknownFields: false },
  // connect-es reads `textDecoder` from jsonOptions (JsonSerializationOptions) though the
  // router's type does not name it.
  jsonOptions: { textDecoder: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }) } as ConnectRouterOptions["jsonOptions"],
};
