import { createHash, timingSafeEqual } from "node:crypto";

/** Lower-case hex SHA-256 of a token: the only form in which the server stores secrets. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * True when `token` hashes to `expectedHash`. Compares fixed-length digests in constant
 * time, so neither the length nor a prefix of the secret leaks through timing.
 */
export function tokenMatchesHash(token: string, expectedHash: string): boolean {
  const actual = createHash("sha256").update(token, "utf8").digest();
  const expected = Buffer.from(expectedHash, "hex");
  if (expected.length !== actual.length) return false;
  return timingSafeEqual(actual, expected);
}
