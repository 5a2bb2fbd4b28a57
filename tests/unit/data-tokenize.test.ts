import { describe, expect, it } from 'vitest';
import { lastSafeCut, tokenizeInChunks, type TokenizerLike } from '../../src/data/tokenize';
import { Rng } from '../../src/util/rng';

/** A tokenizer that splits with a BPE pre-tokenizer regex and gives each distinct pre-token an id,
 *  so two token streams are equal exactly when the pre-token boundaries are. */
function regexTokenizer(pattern: RegExp): TokenizerLike & { calls: string[] } {
  const ids = new Map<string, number>();
  const calls: string[] = [];
  return {
    vocabSize: 1 << 30,
    calls,
    encode(text: string) {
      calls.push(text);
      return Array.from(text.matchAll(pattern), ([piece]) => {
        if (!ids.has(piece)) ids.set(piece, ids.size);
        return ids.get(piece)!;
      });
    },
  };
}

// The pre-tokenizer patterns of GPT-2, cl100k_base and o200k_base (as published with tiktoken;
// o200k's inline (?i:...) spelled out, which Node 20's RegExp lacks).
const GPT2 = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const CL100K = /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;
const CONTRACTION = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?";
const O200K = new RegExp([
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+${CONTRACTION}`,
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*${CONTRACTION}`,
  String.raw`\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
].join('|'), 'gu');

const byteTokenizer: TokenizerLike = { vocabSize: 256, encode: (text) => new TextEncoder().encode(text) };

/** Random text that stresses boundaries: runs of mixed whitespace, punctuation, digits,
 *  contractions, accents and astral-plane characters. */
function messyText(seed: number, length: number): string {
  const pieces = ['word', 'Hello', ' ', '  ', '\n', '\n\n', ' \n', '\t', '\r\n', '.', ',', "'s", "'ll", '12345', '7',
    'é', 'naïve', '😀', '日本', '!?', '--', ' x', 'a', 'Z', 'HTTPServer', '//'];
  const rng = new Rng(seed);
  let s = '';
  while (s.length < length) s += pieces[rng.int(pieces.length)];
  return s;
}

describe('lastSafeCut', () => {
  it('prefers a newline between a letter or digit and a non-space, else a lone space', () => {
    expect(lastSafeCut('ab\ncd ef')).toBe(3);
    expect(lastSafeCut('ab \ncd')).toBe(-1); // the newline and the space each have a whitespace neighbour
    expect(lastSafeCut('ab cd')).toBe(2);
    expect(lastSafeCut('ab  cd')).toBe(-1);
    expect(lastSafeCut('ab\n\ncd')).toBe(-1);
    expect(lastSafeCut('a 7\n/')).toBe(4);
    expect(lastSafeCut('a -\n/')).toBe(1); // o200k joins "-\n/", so only the space is safe
    expect(lastSafeCut('abcd\n')).toBe(-1); // the character after the newline is not known yet
    expect(lastSafeCut('x\ny z\nw', 4)).toBe(6);
    expect(lastSafeCut('x\ny z', 4)).toBe(-1);
  });
});

describe('tokenizeInChunks', () => {
  it('equals encoding the whole text at once for GPT-2, cl100k and o200k style pre-tokenizers', async () => {
    for (const [pattern, seed] of [[GPT2, 1], [GPT2, 2], [CL100K, 3], [O200K, 4]] as const) {
      const text = messyText(seed, 2000);
      const tokenizer = regexTokenizer(pattern);
      const whole = Uint32Array.from(tokenizer.encode(text));
      for (const chunkChars of [13, 64, 500]) {
        tokenizer.calls.length = 0;
        expect(await tokenizeInChunks(text, tokenizer, { chunkChars })).toEqual(whole);
        expect(tokenizer.calls.length).toBeGreaterThan(1);
        expect(tokenizer.calls.join('')).toBe(text);
      }
    }
  });

  it('reads a Blob as UTF-8 without breaking characters split across reads', async () => {
    const text = messyText(9, 1000);
    const blob = new Blob([text]);
    const expected = new TextEncoder().encode(text);
    for (const chunkChars of [5, 33, 4096]) {
      expect(await tokenizeInChunks(blob, byteTokenizer, { chunkChars })).toEqual(Uint32Array.from(expected));
    }
    const gpt2 = regexTokenizer(GPT2);
    expect(await tokenizeInChunks(blob, gpt2, { chunkChars: 50 })).toEqual(Uint32Array.from(gpt2.encode(text)));
  });

  it('keeps a stretch without any cut point whole', async () => {
    const tokenizer = regexTokenizer(GPT2);
    const text = 'x'.repeat(300) + '\ny ' + 'z'.repeat(300);
    await tokenizeInChunks(text, tokenizer, { chunkChars: 16 });
    expect(tokenizer.calls).toEqual(['x'.repeat(300) + '\n', 'y', ' ' + 'z'.repeat(300)]);
  });

  it('reports monotone progress ending at 1, and handles empty input', async () => {
    const text = messyText(5, 1000);
    const seen: { fraction: number; tokens: number }[] = [];
    const tokens = await tokenizeInChunks(text, byteTokenizer, { chunkChars: 100, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
      expect(seen[i].tokens).toBeGreaterThanOrEqual(seen[i - 1].tokens);
    }
    expect(seen[seen.length - 1]).toEqual({ fraction: 1, tokens: tokens.length });
    expect(await tokenizeInChunks('', byteTokenizer)).toEqual(new Uint32Array(0));
    expect(await tokenizeInChunks(new Blob([]), byteTokenizer)).toEqual(new Uint32Array(0));
  });

  it('stops when aborted, before starting or between chunks', async () => {
    const text = messyText(6, 2000);
    const before = new AbortController();
    before.abort();
    await expect(tokenizeInChunks(text, byteTokenizer, { signal: before.signal })).rejects.toThrow(/abort/i);

    const during = new AbortController();
    let calls = 0;
    const counting: TokenizerLike = { vocabSize: 256, encode: (s) => { calls++; return byteTokenizer.encode(s); } };
    const run = tokenizeInChunks(text, counting, {
      chunkChars: 100,
      signal: during.signal,
      onProgress: (p) => { if (p.fraction >= 0.25) during.abort(new Error('user cancelled')); },
    });
    await expect(run).rejects.toThrow('user cancelled');
    expect(calls).toBeLessThan(10);
  });

  it('rejects token ids outside the vocabulary and bad chunk sizes', async () => {
    const broken: TokenizerLike = { vocabSize: 10, encode: () => [3, 10] };
    await expect(tokenizeInChunks('abc', broken)).rejects.toThrow(/token id 10, outside its vocabulary of 10/);
    await expect(tokenizeInChunks('abc', byteTokenizer, { chunkChars: 0 })).rejects.toThrow(RangeError);
  });
});
