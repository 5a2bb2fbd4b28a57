// Deterministic evaluation over a whole token stream (the validation split): consecutive windows
// of T inputs, every next-token target predicted exactly once, in the same order every time.
// The last window and the last batch are padded with input 0 and target −1, which the
// cross-entropy kernel ignores (docs/CONTRACTS.md), so a loss averaged over the `count` real
// targets is exact. Does not compute losses.
import type { Batch } from './batcher';
import type { TokenArray } from './split';

export const IGNORE_TARGET = -1;

export interface EvalBatch extends Batch {
  count: number; // targets that are not IGNORE_TARGET
}

export interface EvalOptions {
  B: number;
  T: number;
  /** Stop after this many batches (the first ones, so still deterministic). */
  maxBatches?: number;
}

/** Number of batches that evalBatches yields without maxBatches. */
export function evalBatchCount(tokenCount: number, B: number, T: number): number {
  return Math.ceil(Math.ceil(Math.max(0, tokenCount - 1) / T) / B);
}

export function* evalBatches(tokens: TokenArray, { B, T, maxBatches = Infinity }: EvalOptions): Generator<EvalBatch> {
  if (!Number.isSafeInteger(B) || B < 1 || !Number.isSafeInteger(T) || T < 1)
    throw new RangeError(`Batch size and context length must be positive integers, got B=${B}, T=${T}.`);
  if (tokens.length < 2) throw new RangeError(`Evaluation needs at least 2 tokens, got ${tokens.length}.`);
  const predictions = tokens.length - 1;
  const batches = Math.min(maxBatches, evalBatchCount(tokens.length, B, T));
  for (let k = 0; k < batches; k++) {
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T).fill(IGNORE_TARGET);
    let count = 0;
    for (let b = 0; b < B; b++) {
      const start = (k * B + b) * T;
      const n = Math.max(0, Math.min(T, predictions - start));
      inputs.set(tokens.subarray(start, start + n), b * T);
      targets.set(tokens.subarray(start + 1, start + 1 + n), b * T);
      count += n;
    }
    yield { inputs, targets, count };
  }
}
