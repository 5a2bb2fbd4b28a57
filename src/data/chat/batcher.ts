// SFT batches: rendered examples laid into (B, T) windows whose targets are −1 everywhere except on
// tokens that carry loss (assistant content and its <|end|>). Each row holds T + 1 tokens: inputs
// are the first T, targets the last T. With packing, whole examples are laid end to end while the
// next one fits (an example is never split across rows); without it, one example per row. The rest
// of a row is padding: input `padId`, target −1. An example longer than T + 1 tokens is cut to fit
// (tooLong counts them, so the app can warn).
// Training order is a seeded shuffle per epoch; the state is a few integers that a checkpoint keeps.
// Does not render text (template.ts) or split train from held-out (the stage does).
import { preview } from '../../util/preview';
import { Rng } from '../../util/rng';
import type { Batch } from '../batcher';
import { IGNORE_TARGET, type EvalBatch } from '../eval-batches';
import type { Rendered } from './template';

export interface TokenizedExample {
  ids: Int32Array;
  loss: Uint8Array; // 1 where the token carries loss
}

export function tokenized(r: Rendered): TokenizedExample {
  return { ids: Int32Array.from(r.ids), loss: Uint8Array.from(r.loss, (b) => (b ? 1 : 0)) };
}

export interface SftBatchOptions {
  B: number;
  T: number;
  packing: boolean;
  /** Input id of padding positions (its target is always −1). */
  padId: number;
}

export interface SftBatcherState {
  version: 1;
  seed: number;
  epoch: number;
  cursor: number;
  B: number;
  T: number;
  packing: boolean;
  examples: number;
  checksum: number;
}

/** FNV-1a over every example's ids and loss flags: resuming against other data fails loudly. */
export function examplesChecksum(examples: readonly TokenizedExample[]): number {
  let h = 0x811c9dc5;
  for (const ex of examples) {
    h = Math.imul(h ^ ex.ids.length, 0x01000193);
    for (let i = 0; i < ex.ids.length; i++) h = Math.imul(h ^ (ex.ids[i] * 2 + ex.loss[i]), 0x01000193);
  }
  return h >>> 0;
}

export function countTooLong(examples: readonly TokenizedExample[], T: number): number {
  return examples.filter((e) => e.ids.length > T + 1).length;
}

/** Lays examples (pulled with `peek`/`advance`) into row `r` of a batch; returns the targets counted. */
function fillRow(batch: Batch, r: number, o: SftBatchOptions, peek: () => TokenizedExample | null, advance: () => void): number {
  const { T } = o;
  const ids = new Int32Array(T + 1).fill(o.padId);
  const loss = new Uint8Array(T + 1);
  let used = 0;
  for (;;) {
    const ex = peek();
    if (!ex) break;
    const room = T + 1 - used;
    if (used > 0 && ex.ids.length > room) break;
    const n = Math.min(ex.ids.length, room);
    ids.set(ex.ids.subarray(0, n), used);
    loss.set(ex.loss.subarray(0, n), used);
    used += n;
    advance();
    if (!o.packing || used === T + 1) break;
  }
  let count = 0;
  for (let t = 0; t < T; t++) {
    batch.inputs[r * T + t] = ids[t];
    const counted = loss[t + 1] === 1;
    batch.targets[r * T + t] = counted ? ids[t + 1] : IGNORE_TARGET;
    if (counted) count++;
  }
  return count;
}

function checkOptions(o: SftBatchOptions, n: number): void {
  if (!Number.isSafeInteger(o.B) || o.B < 1 || !Number.isSafeInteger(o.T) || o.T < 1)
    throw new RangeError(`Batch size and sequence length must be positive integers, got B=${o.B}, T=${o.T}.`);
  if (n === 0) throw new RangeError('There are no SFT examples to train on.');
}

export class SftBatcher {
  private epoch = 0;
  private cursor = 0;
  private order: number[] = [];
  private checksum: number | null = null;

  constructor(readonly examples: readonly TokenizedExample[], readonly options: SftBatchOptions, readonly seed: number) {
    checkOptions(options, examples.length);
    this.order = this.permutation(0);
  }

  private permutation(epoch: number): number[] {
    const rng = new Rng((this.seed + Math.imul(epoch, 0x9e3779b9)) >>> 0);
    const a = Array.from(this.examples.keys());
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  next(): Batch & { count: number } {
    const { B, T } = this.options;
    const batch = { inputs: new Int32Array(B * T), targets: new Int32Array(B * T), count: 0 };
    const peek = () => this.examples[this.order[this.cursor]];
    const advance = () => {
      if (++this.cursor < this.order.length) return;
      this.epoch++;
      this.cursor = 0;
      this.order = this.permutation(this.epoch);
    };
    for (let r = 0; r < B; r++) batch.count += fillRow(batch, r, this.options, peek, advance);
    return batch;
  }

  /** Examples consumed so far, in epochs (for progress displays). */
  get epochs(): number { return this.epoch + this.cursor / this.order.length; }

  state(): SftBatcherState {
    this.checksum ??= examplesChecksum(this.examples);
    const { B, T, packing } = this.options;
    return { version: 1, seed: this.seed, epoch: this.epoch, cursor: this.cursor, B, T, packing, examples: this.examples.length, checksum: this.checksum };
  }

  /** Continues from `state` (as saved) on the same examples; B, T and packing come from the state. */
  static restore(examples: readonly TokenizedExample[], state: unknown, padId: number): SftBatcher {
    const s = state as Partial<SftBatcherState> | null;
    const whole = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!s || s.version !== 1 || ![s.seed, s.epoch, s.cursor, s.B, s.T, s.examples, s.checksum].every(whole) || typeof s.packing !== 'boolean' || s.cursor! >= s.examples!)
      throw new Error(`The saved SFT data-loader state is not valid: ${preview(state)}.`);
    if (s.examples !== examples.length || s.checksum !== examplesChecksum(examples))
      throw new Error('The SFT examples differ from the ones this run was saved with. Load the same dataset to resume, or start a new run.');
    const b = new SftBatcher(examples, { B: s.B!, T: s.T!, packing: s.packing, padId }, s.seed!);
    b.epoch = s.epoch!;
    b.order = b.permutation(b.epoch);
    b.cursor = s.cursor!;
    b.checksum = s.checksum!;
    return b;
  }
}

/** Every example once, in order, for held-out loss: deterministic batches with their counts. */
export function* sftEvalBatches(examples: readonly TokenizedExample[], options: SftBatchOptions, maxBatches = Infinity): Generator<EvalBatch> {
  checkOptions(options, examples.length);
  const { B, T } = options;
  let cursor = 0;
  const peek = () => examples[cursor] ?? null;
  const advance = () => { cursor++; };
  for (let k = 0; k < maxBatches && cursor < examples.length; k++) {
    const batch = { inputs: new Int32Array(B * T), targets: new Int32Array(B * T), count: 0 };
    for (let r = 0; r < B; r++) batch.count += fillRow(batch, r, options, peek, advance);
    yield batch;
  }
}
