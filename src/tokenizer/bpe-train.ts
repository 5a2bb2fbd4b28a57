// Byte-level BPE training, GPT-2 style: split text with GPT-2's regex, count distinct pre-tokens,
// then repeatedly merge the most frequent adjacent pair of ids (ties: smallest (left, right) id
// pair) into a new id. Pair counts are updated incrementally — only next to the occurrences of
// the merged pair — and a lazy max-heap finds the next pair, so 1000 merges over ~1 MB of text
// take seconds. Runs async: it yields to the event loop every few milliseconds, reports
// progress, and rejects with an AbortError when the signal fires.
// Ids 0..255 are the bytes themselves; merge i creates id 256 + i.
// Does not: add special tokens (call addSpecialTokens on the result) or encode (bpe-encode.ts).

import { BpeTokenizer } from './bpe-encode';
import { collectWords, countBytePairs, type PairTables, type Words } from './bpe-train-words';
import { Pacer } from './pacer';
import { PairHeap } from './pair-heap';
import { concatBytes, SINGLE_BYTES } from './utf8';

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
  /** fraction in [0, 1], non-decreasing; called at most once per yield, and with 1 at the end. */
  onProgress?: (fraction: number, info: TrainBpeProgress) => void;
  signal?: AbortSignal;
  /** Milliseconds of work between yields to the event loop (default 20). */
  yieldEveryMs?: number;
}

const PRETOKENIZE_SHARE = 0.1; // of the progress bar

/**
 * Merges one pair everywhere, keeping the pair tables in step. Per occurrence of (a, b) -> c with
 * neighbours x and y: the pairs (x, a), (a, b), (b, y) go, (x, c) and (c, y) come. The new pairs
 * (they contain c) are collected so the caller can queue them.
 */
class PairMerger {
  readonly newPairs = new Set<number>();

  constructor(private readonly words: Words, private readonly pairs: PairTables, private readonly stride: number) {}

  private add(left: number, right: number, delta: number, w: number, isNew: boolean): void {
    const key = left * this.stride + right;
    const v = (this.pairs.count.get(key) ?? 0) + delta;
    if (v === 0) this.pairs.count.delete(key);
    else this.pairs.count.set(key, v);
    if (!isNew) return;
    this.newPairs.add(key);
    const list = this.pairs.words.get(key);
    if (!list) this.pairs.words.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  }

  /** Replace every (a, b) in word w by c, left to right; a word without the pair is left alone. */
  mergeWord(w: number, a: number, b: number, c: number): void {
    const { symbols, start, length, freq } = this.words;
    const s0 = start[w], end = s0 + length[w], f = freq[w];
    let i = s0;
    while (i < end - 1 && !(symbols[i] === a && symbols[i + 1] === b)) i++;
    if (i >= end - 1) return;
    let o = i, lastMerge = -2;
    while (i < end) {
      if (!(i + 1 < end && symbols[i] === a && symbols[i + 1] === b)) {
        symbols[o++] = symbols[i++];
        continue;
      }
      this.add(a, b, -f, w, false);
      if (o > s0) {
        // symbols[i - 1] is still the old left neighbour: writes so far stop before index o - 1 < i.
        // After an adjacent merge ("a b a b") that merge already removed the old (b, a).
        if (lastMerge !== i - 2) this.add(symbols[i - 1], a, -f, w, false);
        this.add(symbols[o - 1], c, f, w, true);
      }
      if (i + 2 < end) {
        const right = symbols[i + 2];
        this.add(b, right, -f, w, false);
        // If the right neighbour starts another occurrence, that one adds the (c, c) pair.
        if (!(right === a && i + 3 < end && symbols[i + 3] === b)) this.add(c, right, f, w, true);
      }
      symbols[o++] = c;
      lastMerge = i;
      i += 2;
    }
    length[w] = o - s0;
  }
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
  const report = (fraction: number, phase: TrainBpeProgress['phase']): void =>
    onProgress?.(fraction, { phase, merges: merges.length / 3, targetMerges, vocabSize: tokens.length });
  const reportSetup = (f: number): void => report(PRETOKENIZE_SHARE * f, 'pretokenize');

  const words = await collectWords(text, pacer, reportSetup);
  const stride = vocabSize; // every id stays below vocabSize
  const pairs = await countBytePairs(words, stride, pacer, reportSetup);
  const heap = new PairHeap();
  for (const [key, count] of pairs.count) heap.push(count, key);
  const merger = new PairMerger(words, pairs, stride);

  while (merges.length / 3 < targetMerges && heap.size > 0) {
    const count = heap.topPriority, key = heap.topKey;
    heap.pop();
    // Counts of existing pairs only fall, so a stale entry is re-queued with its current count.
    const current = pairs.count.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key);
      continue;
    }
    const a = Math.floor(key / stride), b = key - a * stride, c = tokens.length;
    tokens.push(concatBytes([tokens[a], tokens[b]]));
    merges.push(a, b, c);
    merger.newPairs.clear();
    for (const w of pairs.words.get(key)!) merger.mergeWord(w, a, b, c);
    pairs.words.delete(key);
    for (const k of merger.newPairs) {
      const n = pairs.count.get(k);
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
