// UTF-8 helpers shared by every tokenizer. All tokenizers decode through bytes, so that
// decode(encode(x)) === x holds for any valid string and partial characters never throw.

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other; the default would silently drop it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Lenient decode: malformed or truncated sequences become U+FFFD instead of throwing. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The 256 one-byte arrays, shared so token lookups allocate nothing. Callers must not modify them. */
export const SINGLE_BYTES: readonly Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));

/**
 * Write the UTF-8 bytes of s into out from offset; returns the offset after them. Same bytes as
 * TextEncoder (a lone surrogate becomes U+FFFD), without its per-call cost on short strings.
 * out needs room for 3 bytes per UTF-16 unit of s.
 */
export function utf8EncodeInto(s: string, out: Uint8Array | Int32Array, offset: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[offset++] = c;
    } else if (c < 0x800) {
      out[offset++] = 0xc0 | (c >> 6);
      out[offset++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          out[offset++] = 0xf0 | (cp >> 18);
          out[offset++] = 0x80 | ((cp >> 12) & 63);
          out[offset++] = 0x80 | ((cp >> 6) & 63);
          out[offset++] = 0x80 | (cp & 63);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      out[offset++] = 0xe0 | (c >> 12);
      out[offset++] = 0x80 | ((c >> 6) & 63);
      out[offset++] = 0x80 | (c & 63);
    }
  }
  return offset;
}
