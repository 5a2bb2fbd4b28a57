// Random training windows. Each row of a batch is T consecutive tokens starting at an offset drawn
// from a seeded generator; targets are the same window shifted by one token. The generator state
// is one u32, so a checkpoint can store it and a resumed run sees exactly the same batches.
// Does not split train from validation (split.ts) or cover the validation set (eval-batches.ts).
import { preview } from '../util/preview';
import { Rng } from '../util/rng';
import type { TokenArray } from './split';

export interface Batch {
  inputs: Int32Array;  // (B, T) token ids
  targets: Int32Array; // (B, T) the next token of each input
}

export interface BatcherOptions { B: number; T: number; seed: number }

/** What a checkpoint stores to continue the same data order. `tokens` and `checksum` identify the
 *  token stream, so resuming against different data fails loudly instead of silently diverging. */
export interface BatcherState {
  version: 1;
  rng: number;
  B: number;
  T: number;
  tokens: number;
  checksum: number;
}

/** FNV-1a over the token ids: cheap, and any edit of the data changes it with high probability. */
export function tokenChecksum(tokens: TokenArray): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tokens.length; i++) h = Math.imul(h ^ tokens[i], 0x01000193);
  return h >>> 0;
}

function checkWindow(tokens: TokenArray, B: number, T: number): void {
  if (!Number.isSafeInteger(B) || B < 1 || !Number.isSafeInteger(T) || T < 1)
    throw new RangeError(`Batch size and context length must be positive integers, got B=${B}, T=${T}.`);
  if (tokens.length < T + 1)
    throw new RangeError(`The training text has ${tokens.length} tokens, but one window needs ${T + 1}. Use more text or a shorter context length.`);
}

export class Batcher {
  private readonly rng: Rng;
  private checksum: number | null = null; // computed on the first state(), the tokens never change

  constructor(readonly tokens: TokenArray, readonly options: BatcherOptions) {
    checkWindow(tokens, options.B, options.T);
    this.rng = new Rng(options.seed);
  }

  next(): Batch {
    const { B, T } = this.options;
    const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
    const starts = this.tokens.length - T; // every start in [0, starts) has T + 1 tokens
    for (let b = 0; b < B; b++) {
      const start = this.rng.int(starts);
      inputs.set(this.tokens.subarray(start, start + T), b * T);
      targets.set(this.tokens.subarray(start + 1, start + T + 1), b * T);
    }
    return { inputs, targets };
  }

  state(): BatcherState {
    this.checksum ??= tokenChecksum(this.tokens);
    const { B, T } = this.options;
    return { version: 1, rng: this.rng.state, B, T, tokens: this.tokens.length, checksum: this.checksum };
  }

  /** Continues from `state` (as saved, e.g. parsed back from JSON) on the same tokens. */
  static restore(tokens: TokenArray, state: unknown): Batcher {
    const s = state as Partial<BatcherState> | null;
    const u32 = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 2 ** 32;
    if (!s || s.version !== 1 || ![s.rng, s.B, s.T, s.tokens, s.checksum].every(u32))
      throw new Error(`The saved data-loader state is not valid: ${preview(state)}.`);
    const { rng, B, T, tokens: count, checksum } = s as BatcherState;
    if (count !== tokens.length || checksum !== tokenChecksum(tokens))
      throw new Error('The training data differ from the data this run was saved with. Load the same text and tokenizer to resume, or start a new run.');
    const batcher = new Batcher(tokens, { B, T, seed: rng });
    batcher.checksum = checksum;
    return batcher;
  }
}
