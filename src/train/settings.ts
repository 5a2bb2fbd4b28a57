// Training hyperparameters: one plain typed object with defaults, validated loudly.
import { preview } from '../util/preview';

export interface TrainSettings {
  steps: number;
  batchSize: number;
  /** Sequence length of training windows; defaults to the model's context length. */
  seqLen?: number;
  accumSteps: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  gradClip: number;
  beta1: number;
  beta2: number;
  evalEvery: number;
  evalBatches: number;
  valFraction: number;
  seed: number;
  /** Read losses back from the GPU every this many steps. */
  readEvery: number;
}

export const DEFAULT_TRAIN: TrainSettings = {
  steps: 300, batchSize: 8, accumSteps: 1, lr: 3e-3, minLr: 3e-4, warmupSteps: 20,
  weightDecay: 0.1, gradClip: 1.0, beta1: 0.9, beta2: 0.95,
  evalEvery: 100, evalBatches: 4, valFraction: 0.1, seed: 1337, readEvery: 10,
};

const RULES: Record<keyof TrainSettings, [number, number, boolean]> = {
  // [min, max, integer]
  steps: [1, 1e7, true], batchSize: [1, 4096, true], seqLen: [1, 1 << 16, true], accumSteps: [1, 1024, true],
  lr: [0, 10, false], minLr: [0, 10, false], warmupSteps: [0, 1e7, true], weightDecay: [0, 10, false],
  gradClip: [0, 1e6, false], beta1: [0, 0.999999, false], beta2: [0, 0.999999, false],
  evalEvery: [0, 1e7, true], evalBatches: [1, 1e5, true], valFraction: [0, 0.5, false], seed: [0, 2 ** 32 - 1, true],
  readEvery: [1, 1000, true],
};

export function makeSettings(...overrides: Partial<TrainSettings>[]): TrainSettings {
  const s: Record<string, unknown> = { ...DEFAULT_TRAIN };
  for (const o of overrides) for (const [k, v] of Object.entries(o)) {
    // Object.hasOwn, not `in`: "toString" or "constructor" from a file are unknown keys too.
    if (!Object.hasOwn(RULES, k)) throw new Error(`Unknown training setting ${preview(k, 40)}. Known: ${Object.keys(RULES).join(', ')}.`);
    if (v !== undefined) s[k] = v;
  }
  for (const [k, [lo, hi, int]] of Object.entries(RULES)) {
    const v = s[k];
    if (v === undefined && k === 'seqLen') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v)))
      throw new Error(`Training setting ${k} must be ${int ? 'a whole number' : 'a number'} from ${lo} to ${hi}, got ${preview(v)}.`);
  }
  return s as unknown as TrainSettings;
}
