// GPT-2's byte-level alphabet and pre-tokenization pattern.
// Every byte maps to one printable character so byte-level tokens can be written as JSON strings
// (tokenizer.json vocab and merges): printable Latin-1 bytes map to themselves, the other 68
// (controls, space, 0x7F–0xA0, 0xAD) to U+0100 upward in byte order — space becomes 'Ġ'.
// Does not: split off special tokens (special.ts) or apply merges (bpe-encode.ts).

function buildByteToChar(): string[] {
  const chars = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : next++);
  }
  return chars;
}

export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE = new Int16Array(0x144).fill(-1);
BYTE_TO_CHAR.forEach((c, b) => { CHAR_TO_BYTE[c.charCodeAt(0)] = b; });

export function bytesToGpt2String(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/** Inverse of bytesToGpt2String; null when a character is outside the 256-character alphabet. */
export function gpt2StringToBytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const b = code < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[code] : -1;
    if (b < 0) return null;
    out[i] = b;
  }
  return out;
}

/**
 * GPT-2's pre-tokenizer regex (contractions, letter runs, digit runs, other symbols, whitespace),
 * compiled by JavaScript exactly as @huggingface/tokenizers compiles it. JavaScript's \s differs
 * from the Rust crate's Oniguruma \s on two characters (U+FEFF counts as space, U+0085 does not);
 * we follow the JavaScript library. The pattern matches every non-empty string completely.
 */
export const GPT2_PATTERN_SOURCE = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

const pattern = new RegExp(GPT2_PATTERN_SOURCE, 'gu');

/** Split text into pre-tokens; merges never cross their boundaries. */
export function preTokenize(text: string): string[] {
  return text.match(pattern) ?? [];
}

/** A fresh global regex, for callers that step through matches with exec() and pause between them. */
export function gpt2Pattern(): RegExp {
  return new RegExp(GPT2_PATTERN_SOURCE, 'gu');
}
