// Tokenizes a large text (a string or a user's file) in chunks, yielding to the event loop between
// chunks so the page (or worker) stays responsive, with progress and cancellation.
//
// Guarantee: chunks are cut only (a) right after a "\n" that follows a letter or digit and precedes
// a non-whitespace character, or, when a stretch has no such newline, (b) right before a " " whose
// neighbours are both non-whitespace. (After punctuation a newline is no cut point: o200k's pattern
// continues "-\n/" as one pre-token.) No pre-token of a byte/char tokenizer or of a GPT-2, cl100k or
// o200k style regex BPE spans such a cut, so for those the result equals tokenizer.encode(whole text). A tokenizer that adds tokens at
// the start of its input (BOS, SentencePiece's prefix space) does not get that guarantee. A stretch
// with no cut point at all is kept whole, however long. Does not train or choose tokenizers.

/** The least a tokenizer needs to offer here; src/tokenizer's tokenizers satisfy it structurally. */
export interface TokenizerLike {
  encode(text: string): ArrayLike<number>;
  readonly vocabSize: number;
}

export interface TokenizeProgress {
  fraction: number; // of the input read, in [0, 1]
  tokens: number;   // produced so far
}

export interface TokenizeOptions {
  chunkChars?: number;
  onProgress?: (p: TokenizeProgress) => void;
  signal?: AbortSignal;
}

export const DEFAULT_CHUNK_CHARS = 1 << 18;

const isSpace = (ch: string) => /\s/.test(ch);
const isWordChar = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

/** Index in `text` where it may be cut (see the guarantee above), at or after `from`, or -1. */
export function lastSafeCut(text: string, from = 1): number {
  for (let p = text.length - 1; p >= Math.max(from, 2); p--) {
    if (text[p - 1] === '\n' && isWordChar(text[p - 2]) && !isSpace(text[p])) return p;
  }
  for (let p = text.length - 2; p >= Math.max(from, 1); p--) {
    if (text[p] === ' ' && !isSpace(text[p - 1]) && !isSpace(text[p + 1])) return p;
  }
  return -1;
}

/** The input in pieces of about `chunkChars` characters (bytes for a Blob, decoded as UTF-8). */
async function* pieces(source: string | Blob, chunkChars: number): AsyncGenerator<{ text: string; fraction: number }> {
  if (typeof source === 'string') {
    for (let at = 0; at < source.length; at += chunkChars) {
      yield { text: source.slice(at, at + chunkChars), fraction: Math.min(1, (at + chunkChars) / source.length) };
    }
    return;
  }
  const decoder = new TextDecoder('utf-8'); // stream mode keeps multi-byte characters split across reads whole
  for (let at = 0; at < source.size; at += chunkChars) {
    const bytes = new Uint8Array(await source.slice(at, at + chunkChars).arrayBuffer());
    yield { text: decoder.decode(bytes, { stream: true }), fraction: Math.min(1, (at + chunkChars) / source.size) };
  }
  yield { text: decoder.decode(), fraction: 1 };
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** All tokens of `source`. Rejects with the signal's reason when aborted, and with a RangeError when
 *  the tokenizer returns an id outside [0, vocabSize). */
export async function tokenizeInChunks(
  source: string | Blob,
  tokenizer: TokenizerLike,
  { chunkChars = DEFAULT_CHUNK_CHARS, onProgress, signal }: TokenizeOptions = {},
): Promise<Uint32Array> {
  if (!Number.isSafeInteger(chunkChars) || chunkChars < 1) throw new RangeError(`chunkChars must be a positive integer, got ${chunkChars}.`);
  signal?.throwIfAborted();
  const parts: Uint32Array[] = [];
  let total = 0;
  const encode = (text: string) => {
    const ids = tokenizer.encode(text);
    const out = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize))
        throw new RangeError(`The tokenizer produced token id ${id}, outside its vocabulary of ${tokenizer.vocabSize}.`);
      out[i] = id;
    }
    parts.push(out);
    total += out.length;
  };

  let pending = '';
  let scanFrom = 1; // positions before this were already searched for a cut
  for await (const { text, fraction } of pieces(source, chunkChars)) {
    pending += text;
    const cut = lastSafeCut(pending, scanFrom);
    if (cut > 0) {
      encode(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
    // A cut needs one character on each side, so the last two may still become cut points.
    scanFrom = Math.max(1, pending.length - 2);
    onProgress?.({ fraction, tokens: total });
    await nextTask();
    signal?.throwIfAborted();
  }
  if (pending.length > 0) encode(pending);
  onProgress?.({ fraction: 1, tokens: total });

  const all = new Uint32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
