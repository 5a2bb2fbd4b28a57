// RL hyperparameters: one plain typed object with defaults (the standard RLHF recipe at tiny
// scale), validated loudly. One "step" is one rollout + update phase for PPO and GRPO, one
// optimizer step over `pairsPerStep` preference pairs for DPO.
import { preview } from '../../util/preview';

export type RlMethod = 'ppo' | 'grpo' | 'dpo';

export interface RlSettings {
  method: RlMethod;
  steps: number;
  /** Prompts sampled per rollout (PPO: one response each; GRPO: `groupSize` each). */
  promptsPerStep: number;
  /** GRPO group size G (samples per prompt). */
  groupSize: number;
  maxNewTokens: number;
  /** Sampling temperature of rollouts (1 = the policy itself, which PPO's ratios assume). */
  temperature: number;
  /** Passes over each rollout, and sequences per optimizer step within one. */
  epochs: number;
  minibatch: number;
  lr: number;
  weightDecay: number;
  gradClip: number;
  beta1: number;
  beta2: number;
  /** Policy ratio clip ε, and the value clip around the rollout's values. */
  clip: number;
  valueClip: number;
  /** Weight of the value loss in PPO's total loss. */
  vfCoef: number;
  gamma: number;
  lambda: number;
  /** KL coefficient β: PPO's per-token penalty in the reward, GRPO's k3 term in the loss (0 = none). */
  klCoef: number;
  /** PPO only: adapt β toward this KL per sequence (0 = fixed β), over `klHorizon` samples. */
  klTarget: number;
  klHorizon: number;
  /** Sequence scores are clamped to ±scoreClip before they enter the rewards. */
  scoreClip: number;
  /** DPO's β and preference pairs per optimizer step. */
  dpoBeta: number;
  pairsPerStep: number;
  /** Held-out prompts scored every evalEvery steps (0 = only at the end). */
  evalEvery: number;
  evalPrompts: number;
  seed: number;
}

export const DEFAULT_RL: RlSettings = {
  method: 'grpo', steps: 50, promptsPerStep: 16, groupSize: 4, maxNewTokens: 8, temperature: 1,
  epochs: 2, minibatch: 16, lr: 1e-4, weightDecay: 0, gradClip: 1, beta1: 0.9, beta2: 0.95,
  clip: 0.2, valueClip: 0.2, vfCoef: 0.1, gamma: 1, lambda: 0.95, klCoef: 0.05, klTarget: 0, klHorizon: 10000,
  scoreClip: 10, dpoBeta: 0.1, pairsPerStep: 16, evalEvery: 10, evalPrompts: 64, seed: 1,
};

type Rule = [number, number, boolean]; // [min, max, integer]
const RULES: Record<Exclude<keyof RlSettings, 'method'>, Rule> = {
  steps: [1, 1e7, true], promptsPerStep: [1, 4096, true], groupSize: [2, 256, true], maxNewTokens: [1, 4096, true],
  temperature: [0.01, 10, false], epochs: [1, 100, true], minibatch: [1, 4096, true], lr: [0, 1, false],
  weightDecay: [0, 10, false], gradClip: [0, 1e6, false], beta1: [0, 0.999999, false], beta2: [0, 0.999999, false],
  clip: [0.001, 10, false], valueClip: [0.001, 1e6, false], vfCoef: [0, 100, false], gamma: [0, 1, false], lambda: [0, 1, false],
  klCoef: [0, 100, false], klTarget: [0, 1e6, false], klHorizon: [1, 1e9, true], scoreClip: [0.001, 1e9, false],
  dpoBeta: [1e-4, 100, false], pairsPerStep: [1, 4096, true], evalEvery: [0, 1e7, true], evalPrompts: [1, 1e5, true],
  seed: [0, 2 ** 32 - 1, true],
};

export function makeRlSettings(...overrides: Partial<RlSettings>[]): RlSettings {
  const s: Record<string, unknown> = { ...DEFAULT_RL };
  for (const o of overrides) for (const [k, v] of Object.entries(o)) {
    if (k !== 'method' && !Object.hasOwn(RULES, k)) throw new Error(`Unknown RL setting ${preview(k, 40)}. Known: method, ${Object.keys(RULES).join(', ')}.`);
    if (v !== undefined) s[k] = v;
  }
  if (!['ppo', 'grpo', 'dpo'].includes(s.method as string)) throw new Error(`The RL method must be ppo, grpo or dpo, got ${preview(s.method)}.`);
  for (const [k, [lo, hi, int]] of Object.entries(RULES)) {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v)))
      throw new Error(`RL setting ${k} must be ${int ? 'a whole number' : 'a number'} from ${lo} to ${hi}, got ${preview(v)}.`);
  }
  const r = s as unknown as RlSettings;
  const rows = rolloutRows(r);
  if (r.method !== 'dpo' && rows % r.minibatch !== 0)
    throw new Error(`A rollout of ${rows} samples (${r.promptsPerStep} prompts${r.method === 'grpo' ? ` × group ${r.groupSize}` : ''}) must split into minibatches of ${r.minibatch}; pick a minibatch that divides it.`);
  return r;
}

/** Samples per rollout. */
export const rolloutRows = (s: RlSettings): number => s.promptsPerStep * (s.method === 'grpo' ? s.groupSize : 1);

/** Ziegler et al.'s adaptive KL controller: β moves toward keeping the measured KL (per sample) at
 *  `klTarget`, by at most ±20 % of `samples / klHorizon` per update. Unchanged when klTarget is 0. */
export function adaptKlCoef(s: RlSettings, klCoef: number, kl: number, samples: number): number {
  if (!(s.klTarget > 0)) return klCoef;
  const error = Math.min(0.2, Math.max(-0.2, kl / s.klTarget - 1));
  return klCoef * (1 + (error * samples) / s.klHorizon);
}
