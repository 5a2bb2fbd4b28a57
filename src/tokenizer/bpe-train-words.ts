// First stage of BPE training: text -> distinct pre-tokens with counts -> byte-id sequences, and
// the initial counts of adjacent pairs. Yields to the event loop as it goes (see pacer.ts).
// Does not: choose or apply merges (bpe-train.ts).

import { gpt2Pattern } from './gpt2-bytes';
import type { Pacer } from './pacer';
import { utf8EncodeInto } from './utf8';

/** Distinct words (pre-tokens of 2+ bytes) as id sequences in one flat buffer; merges shrink them in place. */
export interface Words {
  symbols: Int32Array;
  start: Int32Array;
  length: Int32Array;
  freq: Float64Array;
}

/** Pair key = left * stride + right, with stride above every id. */
export interface PairTables {
  count: Map<number, number>;
  /** Words containing each pair; may still list words that lost the pair since (harmless). */
  words: Map<number, number[]>;
}

const CHECK_EVERY = 1024; // iterations between clock reads

/** Progress reported as a fraction of this stage in [0, 1]. */
export async function collectWords(text: string, pacer: Pacer, report: (fraction: number) => void): Promise<Words> {
  const counts = new Map<string, number>();
  const re = gpt2Pattern();
  let steps = 0, units = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const c = counts.get(m[0]);
    if (c === undefined) units += m[0].length;
    counts.set(m[0], (c ?? 0) + 1);
    if (++steps % CHECK_EVERY === 0 && pacer.due) {
      report(0.8 * (re.lastIndex / text.length));
      await pacer.yield();
    }
  }
  const symbols = new Int32Array(3 * units); // UTF-8 needs at most 3 bytes per UTF-16 unit
  const start = new Int32Array(counts.size), length = new Int32Array(counts.size), freq = new Float64Array(counts.size);
  let w = 0, offset = 0;
  for (const [word, count] of counts) {
    const end = utf8EncodeInto(word, symbols, offset);
    if (end - offset >= 2) { // a single byte has nothing to merge
      start[w] = offset;
      length[w] = end - offset;
      freq[w++] = count;
      offset = end;
    }
    if (++steps % CHECK_EVERY === 0 && pacer.due) {
      report(0.8 + 0.1 * (w / counts.size));
      await pacer.yield();
    }
  }
  return { symbols: symbols.subarray(0, offset), start: start.subarray(0, w), length: length.subarray(0, w), freq: freq.subarray(0, w) };
}

/** Count adjacent byte pairs. Ids are still bytes here, so dense 256x256 tables replace hashing. */
export async function countBytePairs(words: Words, stride: number, pacer: Pacer, report: (fraction: number) => void): Promise<PairTables> {
  const { symbols, start, length, freq } = words;
  const dense = new Float64Array(65536);
  const lists: number[][] = Array.from({ length: 65536 }, () => []);
  for (let w = 0; w < start.length; w++) {
    for (let i = start[w], end = start[w] + length[w] - 1; i < end; i++) {
      const k = (symbols[i] << 8) | symbols[i + 1];
      dense[k] += freq[w];
      const list = lists[k];
      if (list[list.length - 1] !== w) list.push(w);
    }
    if (w % CHECK_EVERY === 0 && pacer.due) {
      report(0.9 + 0.1 * (w / start.length));
      await pacer.yield();
    }
  }
  const tables: PairTables = { count: new Map(), words: new Map() };
  for (let k = 0; k < 65536; k++) {
    if (dense[k] === 0) continue;
    const key = (k >> 8) * stride + (k & 255);
    tables.count.set(key, dense[k]);
    tables.words.set(key, lists[k]);
  }
  return tables;
}
