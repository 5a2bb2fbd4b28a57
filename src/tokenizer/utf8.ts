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
