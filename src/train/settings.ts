// Training hyperparameters: one plain typed object with defaults, validated loudly, and the
// rule for what a resumed run keeps of its saved schedule.
import { preview } from '../util/preview';
import type { Schedule } from './schedule';
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
  /** The learning-rate schedule's horizon: cosine decay reaches minLr here (default: steps).
   *  A resumed run keeps its saved horizon when `steps` changes (see resumeSettings). */
  scheduleSteps?: number;
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
  readEvery: [1, 1000, true], scheduleSteps: [1, 1e7, true],
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
    if (v === undefined && (k === 'seqLen' || k === 'scheduleSteps')) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v)))
      throw new Error(`Training setting ${k} must be ${int ? 'a whole number' : 'a number'} from ${lo} to ${hi}, got ${preview(v)}.`);
  }
  return s as unknown as TrainSettings;
}

/** The learning-rate schedule of a run (src/train/schedule.ts). */
export function scheduleOf(s: TrainSettings): Schedule {
  return { maxLr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, totalSteps: s.scheduleSteps ?? s.steps };
}

/**
 * The settings a resumed run continues with, and what changed about its schedule, in words.
 * The rule (README, "Continuing a run"): a run keeps its learning-rate horizon — the step at which
 * the cosine decay reaches minLr — when it is continued with a different total step count; only
 * where it stops moves. Past the horizon the rate stays at minLr. A peak rate, floor or warmup
 * given anew does change the schedule, and the notice says so.
 */
export function resumeSettings(defaults: Partial<TrainSettings>, saved: Partial<TrainSettings>, overrides: Partial<TrainSettings>): { settings: TrainSettings; notice?: string } {
  const before = makeSettings(defaults, saved);
  const horizon = overrides.scheduleSteps ?? before.scheduleSteps ?? before.steps;
  const settings = makeSettings(defaults, saved, overrides, { scheduleSteps: horizon });
  const a = scheduleOf(before), b = scheduleOf(settings);
  const notes: string[] = [];
  // Steps after this one train at the floor rate: the horizon, or (when warmup outlasts it) one
  // step after warmup, which first peaks once (schedule.ts).
  const floorAt = horizon > b.warmupSteps ? horizon : b.warmupSteps + 1;
  if (settings.steps !== before.steps)
    notes.push(`The run now ends at step ${settings.steps} (it was set to ${before.steps}); its learning-rate schedule keeps the original horizon of ${horizon} steps${settings.steps > floorAt ? `, so steps after ${floorAt} train at the floor rate ${b.minLr.toExponential(2)}` : ''}.`);
  const changed = (['maxLr', 'minLr', 'warmupSteps'] as const).filter((k) => a[k] !== b[k]);
  if (changed.length) notes.push(`The learning-rate schedule changes: ${changed.map((k) => `${k} ${a[k]} → ${b[k]}`).join(', ')}.`);
  return { settings, notice: notes.length ? notes.join(' ') : undefined };
}
