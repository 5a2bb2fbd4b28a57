// Byte-level BPE training, GPT-2 style: split text with GPT-2's regex, count distinct pre-tokens,
// then repeatedly merge the most frequent adjacent pair of ids (ties: smallest (left, right) id
// pair) into a new id. Pair counts are updated incrementally — only the words that contain the
// merged pair are touched — and a lazy max-heap finds the next pair, so 1000 merges over ~1 MB of
// text take seconds. Runs async: it yields to the event loop every few milliseconds, reports
// progress, and rejects with an AbortError when the signal fires.
// Ids 0..255 are the bytes themselves; merge i creates id 256 + i.
// Does not: add special tokens (call addSpecialTokens on the result) or encode (bpe-encode.ts).

import { BpeTokenizer } from './bpe-encode';
import { gpt2Pattern } from './gpt2-bytes';
import { Pacer } from './pacer';
import { PairHeap } from './pair-heap';
import { concatBytes, SINGLE_BYTES, utf8Encode } from './utf8';

export interface TrainBpeProgress {
  phase: 'pretokenize' | 'merge';
  merges: number;
  targetMerges: number;
  /** Vocabulary size so far: 256 byte ids plus the merges learned. */
  vocabSize: number;
}

export interface TrainBpeOptions {
  /** Final vocabulary size: 256 byte ids + merges (special tokens are added afterwards). */
  vocabSize: number;
  /** fraction in [0, 1]; called at most once per yield, and with 1 at the end. */
  onProgress?: (fraction: number, info: TrainBpeProgress) => void;
  signal?: AbortSignal;
  /** Milliseconds of work between yields to the event loop (default 20). */
  yieldEveryMs?: number;
}

const PRETOKENIZE_SHARE = 0.1;

/** Distinct words as id sequences in one flat buffer; merges shrink them in place. */
interface Words {
  symbols: Int32Array;
  start: Int32Array;
  length: Int32Array;
  freq: Float64Array;
}

async function countPreTokens(text: string, pacer: Pacer, report: (f: number) => void): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const re = gpt2Pattern();
  let steps = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    if ((++steps & 1023) === 0 && pacer.due) {
      report(PRETOKENIZE_SHARE * (re.lastIndex / text.length));
      await pacer.yield();
    }
  }
  return counts;
}

function buildWords(counts: Map<string, number>): Words {
  const encoded: Uint8Array[] = [];
  const freqs: number[] = [];
  for (const [word, count] of counts) {
    const bytes = utf8Encode(word);
    if (bytes.length < 2) continue; // nothing to merge
    encoded.push(bytes);
    freqs.push(count);
  }
  const flat = concatBytes(encoded);
  const start = new Int32Array(encoded.length), length = new Int32Array(encoded.length);
  let offset = 0;
  encoded.forEach((b, w) => { start[w] = offset; length[w] = b.length; offset += b.length; });
  return { symbols: Int32Array.from(flat), start, length, freq: Float64Array.from(freqs) };
}

export async function trainBpe(text: string, options: TrainBpeOptions): Promise<BpeTokenizer> {
  const { vocabSize, onProgress, signal } = options;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 256 || vocabSize > 1 << 21) {
    throw new Error(`trainBpe: vocabSize must be an integer from 256 (the byte ids) to ${1 << 21}, got ${vocabSize}`);
  }
  const pacer = new Pacer(signal, options.yieldEveryMs ?? 20, 'BPE training');
  pacer.throwIfAborted();
  const targetMerges = vocabSize - 256;
  const tokens: Uint8Array[] = [...SINGLE_BYTES];
  const merges: number[] = [];
  const report = (fraction: number, phase: TrainBpeProgress['phase'] = 'pretokenize'): void =>
    onProgress?.(fraction, { phase, merges: merges.length / 3, targetMerges, vocabSize: tokens.length });

  const words = buildWords(await countPreTokens(text, pacer, report));
  const { symbols, start, length, freq } = words;
  const M = vocabSize; // pair key = left * M + right; ids stay below vocabSize
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>(); // may list words that lost the pair since: harmless
  const notePair = (key: number, w: number): void => {
    const list = pairWords.get(key);
    if (!list) pairWords.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  const addCount = (key: number, delta: number): void => {
    const v = (pairCount.get(key) ?? 0) + delta;
    if (v === 0) pairCount.delete(key);
    else pairCount.set(key, v);
  };
  for (let w = 0; w < start.length; w++) {
    for (let i = start[w], end = start[w] + length[w] - 1; i < end; i++) {
      const key = symbols[i] * M + symbols[i + 1];
      addCount(key, freq[w]);
      notePair(key, w);
    }
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push(count, key);

  // Replace every (a, b) in word w by c, adjusting pair counts; returns nothing if w lacks the pair.
  const mergeWord = (w: number, a: number, b: number, c: number, newPairs: Set<number>): void => {
    const s0 = start[w], end = s0 + length[w], f = freq[w];
    let found = false;
    for (let i = s0; i < end - 1 && !found; i++) found = symbols[i] === a && symbols[i + 1] === b;
    if (!found) return;
    for (let i = s0; i < end - 1; i++) addCount(symbols[i] * M + symbols[i + 1], -f);
    let o = s0;
    for (let i = s0; i < end;) {
      if (i + 1 < end && symbols[i] === a && symbols[i + 1] === b) { symbols[o++] = c; i += 2; } else symbols[o++] = symbols[i++];
    }
    length[w] = o - s0;
    for (let i = s0; i < o - 1; i++) {
      const key = symbols[i] * M + symbols[i + 1];
      addCount(key, f);
      if (symbols[i] === c || symbols[i + 1] === c) { notePair(key, w); newPairs.add(key); }
    }
  };

  while (merges.length / 3 < targetMerges && heap.size > 0) {
    const count = heap.topPriority, key = heap.topKey;
    heap.pop();
    // Counts of existing pairs only fall, so a stale entry is re-queued with its current count.
    const current = pairCount.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key);
      continue;
    }
    const a = Math.floor(key / M), b = key - a * M, c = tokens.length;
    tokens.push(concatBytes([tokens[a], tokens[b]]));
    merges.push(a, b, c);
    const newPairs = new Set<number>();
    for (const w of pairWords.get(key)!) mergeWord(w, a, b, c, newPairs);
    pairWords.delete(key);
    for (const k of newPairs) {
      const n = pairCount.get(k);
      if (n !== undefined) heap.push(n, k);
    }
    if (pacer.due) {
      report(PRETOKENIZE_SHARE + (1 - PRETOKENIZE_SHARE) * (merges.length / 3 / targetMerges), 'merge');
      await pacer.yield();
    }
  }
  report(1, 'merge');
  return new BpeTokenizer({ tokens, merges: Int32Array.from(merges) });
}
