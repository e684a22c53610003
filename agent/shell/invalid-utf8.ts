/**
 * How many bytes of `bytes` are not valid UTF-8: the bytes of every maximal ill-formed
 * subsequence, each of which a UTF-8 decoder (TextDecoder, Buffer#toString) replaces by one
 * U+FFFD. 0 means the bytes decode unchanged.
 */
export function invalidUtf8Bytes(bytes: Uint8Array): number {
  let bad = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const rule = leadRule(b);
    if (!rule) {
      bad++;
      i++;
      continue;
    }
    const [length, lo, hi] = rule;
    let j = 1;
    while (j < length && i + j < n) {
      const c = bytes[i + j];
      const ok = j === 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf;
      if (!ok) break;
      j++;
    }
    if (j === length) i += length;
    else {
      bad += j;
      i += j;
    }
  }
  return bad;
}

/** A lead byte's sequence length and the range of its second byte (Unicode Table 3-7), or undefined. */
function leadRule(b: number): [number, number, number] | undefined {
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf];
  if (b === 0xe0) return [3, 0xa0, 0xbf];
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return [3, 0x80, 0xbf];
  if (b === 0xed) return [3, 0x80, 0x9f];
  if (b === 0xf0) return [4, 0x90, 0xbf];
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf];
  if (b === 0xf4) return [4, 0x80, 0x8f];
  return undefined;
}
