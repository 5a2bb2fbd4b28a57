// Preference-pair batches for the reward model. Each side of a pair is a whole conversation
// rendered with the chat template; it ends with the reply's <|end|>, where the reward is read.
// A batch of P pairs is (2P, T): rows 2p (chosen) and 2p + 1 (rejected), padded with `padId`
// after the last real token, whose index per row is `last` (what the pairwise-loss kernel reads).
// A side longer than T keeps its LAST T tokens, so the reply and its <|end|> are always scored.
// Training order is a seeded shuffle per epoch; its state is a few integers for checkpoints.
import { preview } from '../../util/preview';
import { Rng } from '../../util/rng';
import { renderForTraining, type ChatTemplate } from './template';
import type { PreferencePair } from './types';

export interface TokenizedPair {
  chosen: Int32Array;
  rejected: Int32Array;
}

export interface PairBatch {
  tokens: Int32Array; // (2P, T)
  last: Int32Array;   // (2P)
  /** Real pairs in this batch (≤ P; only the last held-out batch has fewer). */
  pairs: number;
}

export function tokenizePair(tpl: ChatTemplate, pair: PreferencePair): TokenizedPair {
  return { chosen: Int32Array.from(renderForTraining(tpl, pair.chosen).ids), rejected: Int32Array.from(renderForTraining(tpl, pair.rejected).ids) };
}

export function countLongPairs(pairs: readonly TokenizedPair[], T: number): number {
  return pairs.filter((p) => p.chosen.length > T || p.rejected.length > T).length;
}

function placeRow(batch: PairBatch, row: number, ids: Int32Array, T: number): void {
  const kept = ids.length > T ? ids.subarray(ids.length - T) : ids;
  batch.tokens.set(kept, row * T);
  batch.last[row] = kept.length - 1;
}

function emptyBatch(P: number, T: number, padId: number): PairBatch {
  return { tokens: new Int32Array(2 * P * T).fill(padId), last: new Int32Array(2 * P), pairs: 0 };
}

function addPair(batch: PairBatch, pair: TokenizedPair, T: number): void {
  const p = batch.pairs++;
  placeRow(batch, 2 * p, pair.chosen, T);
  placeRow(batch, 2 * p + 1, pair.rejected, T);
}

export interface PairBatchOptions { P: number; T: number; padId: number }

export interface PairBatcherState { version: 1; seed: number; epoch: number; cursor: number; P: number; T: number; pairs: number; checksum: number }

export function pairsChecksum(pairs: readonly TokenizedPair[]): number {
  let h = 0x811c9dc5;
  const mix = (ids: Int32Array) => { h = Math.imul(h ^ ids.length, 0x01000193); for (const id of ids) h = Math.imul(h ^ id, 0x01000193); };
  for (const p of pairs) { mix(p.chosen); mix(p.rejected); }
  return h >>> 0;
}

function checkOptions(o: PairBatchOptions, n: number): void {
  if (!Number.isSafeInteger(o.P) || o.P < 1 || !Number.isSafeInteger(o.T) || o.T < 1)
    throw new RangeError(`Pairs per batch and sequence length must be positive integers, got P=${o.P}, T=${o.T}.`);
  if (n === 0) throw new RangeError('There are no preference pairs.');
}

export class PairBatcher {
  private epoch = 0;
  private cursor = 0;
  private order: number[];

  constructor(readonly pairs: readonly TokenizedPair[], readonly options: PairBatchOptions, readonly seed: number) {
    checkOptions(options, pairs.length);
    this.order = this.permutation(0);
  }

  private permutation(epoch: number): number[] {
    const rng = new Rng((this.seed + Math.imul(epoch, 0x9e3779b9)) >>> 0);
    const a = Array.from(this.pairs.keys());
    for (let i = a.length - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; }
    return a;
  }

  next(): PairBatch {
    const { P, T, padId } = this.options;
    const batch = emptyBatch(P, T, padId);
    while (batch.pairs < P) {
      addPair(batch, this.pairs[this.order[this.cursor]], T);
      if (++this.cursor === this.order.length) { this.epoch++; this.cursor = 0; this.order = this.permutation(this.epoch); }
    }
    return batch;
  }

  get epochs(): number { return this.epoch + this.cursor / this.order.length; }

  state(): PairBatcherState {
    const { P, T } = this.options;
    return { version: 1, seed: this.seed, epoch: this.epoch, cursor: this.cursor, P, T, pairs: this.pairs.length, checksum: pairsChecksum(this.pairs) };
  }

  static restore(pairs: readonly TokenizedPair[], state: unknown, padId: number): PairBatcher {
    const s = state as Partial<PairBatcherState> | null;
    const whole = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!s || s.version !== 1 || ![s.seed, s.epoch, s.cursor, s.P, s.T, s.pairs, s.checksum].every(whole) || s.cursor! >= s.pairs!)
      throw new Error(`The saved preference-pair loader state is not valid: ${preview(state)}.`);
    if (s.pairs !== pairs.length || s.checksum !== pairsChecksum(pairs))
      throw new Error('The preference pairs differ from the ones this run was saved with. Load the same dataset to resume, or start a new run.');
    const b = new PairBatcher(pairs, { P: s.P!, T: s.T!, padId }, s.seed!);
    b.epoch = s.epoch!;
    b.order = b.permutation(b.epoch);
    b.cursor = s.cursor!;
    return b;
  }
}

/** Every pair once, in order (for held-out metrics); the last batch may hold fewer than P pairs. */
export function* pairEvalBatches(pairs: readonly TokenizedPair[], options: PairBatchOptions): Generator<PairBatch> {
  checkOptions(options, pairs.length);
  for (let at = 0; at < pairs.length; at += options.P) {
    const batch = emptyBatch(options.P, options.T, options.padId);
    for (const pair of pairs.slice(at, at + options.P)) addPair(batch, pair, options.T);
    yield batch;
  }
}
