// RL loss kernels for policy-gradient methods (PPO, GRPO), all on the GPU so an update step needs
// no readback:
//   rlPolicyLoss  clipped ratio loss (+ optional k3 KL to a reference) → rowGrad for LmHead.backward
//   rlValueLoss   PPO's clipped value loss → dValues for ScalarHead.backward
//   rlGae         per-token rewards (KL penalty + clipped score at the last token), GAE advantages
//                 and returns, one thread per sequence
//   rlWhiten      advantages → zero mean, unit variance over the response tokens, in place
// Per-token quantities are indexed by row t of a (B, T) batch whose target is the token sampled
// there; rows with target −1 (prompt, padding) are ignored. Log-probs travel as negative
// log-likelihoods (LmHead.losses, copied as they are), so no conversion pass is needed.
// Metrics land in a caller's stats buffer at statsOffset, to be read back once per update.
// Not here: sequence sums (the sequence KL is a difference of two) and DPO (rl-dpo.ts). Reference: rl-ppo.ref.ts.
import policyWgsl from '../../shaders/rl_policy_loss.wgsl?raw';
import valueWgsl from '../../shaders/rl_value_loss.wgsl?raw';
import responseTokensWgsl from '../../shaders/rl_response_tokens.wgsl?raw';
import gaeWgsl from '../../shaders/rl_gae.wgsl?raw';
import whitenWgsl from '../../shaders/rl_whiten.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

/** Floats rlPolicyLoss writes to stats: mean pg loss, mean k3 KL, clip fraction, approx KL to old. */
export const POLICY_STATS = 4;
/** Floats rlValueLoss writes to stats: mean value loss, value clip fraction. */
export const VALUE_STATS = 2;

export interface PolicyLossArgs {
  losses: GPUBuffer;  // (N) current −log π of each row's target (LmHead.losses)
  targets: GPUBuffer; // (N) i32, −1 = not a response token
  oldNll: GPUBuffer;  // (N) −log π_old at sampling time
  adv: GPUBuffer;     // (N) advantages
  /** (N) −log π_ref; needed when klCoef ≠ 0. */
  refNll?: GPUBuffer;
  rowGrad: GPUBuffer; // (N) out: ∂L/∂losses
  stats: GPUBuffer;   // (statsOffset + POLICY_STATS) out
  statsOffset?: number;
  N: number;
  V: number;
  clip: number;
  klCoef?: number;
  /** Multiplies the loss (e.g. 1 / gradient-accumulation steps); default 1. */
  gradScale?: number;
}

export function rlPolicyLoss(gpu: Gpu, enc: StepEncoder, a: PolicyLossArgs): void {
  const klCoef = a.klCoef ?? 0;
  if (klCoef !== 0 && !a.refNll) throw new Error('rlPolicyLoss: a KL coefficient needs the reference log-probs (refNll).');
  enc.dispatch({
    label: 'rl_policy_loss',
    pipeline: gpu.pipeline('rl_policy_loss', responseTokensWgsl + policyWgsl),
    params: params().u32(a.N, a.V).f32(a.clip, klCoef, a.gradScale ?? 1).u32(a.statsOffset ?? 0),
    // Without a reference the slot still needs a read-only binding: oldNll stands in, never read.
    buffers: [a.losses, a.targets, a.oldNll, a.adv, a.refNll ?? a.oldNll, a.rowGrad, a.stats],
    workgroups: [1],
  });
}

export interface ValueLossArgs {
  values: GPUBuffer;    // (N) current values (ScalarHead.values)
  targets: GPUBuffer;   // (N) i32
  oldValues: GPUBuffer; // (N) values at sampling time
  returns: GPUBuffer;   // (N) GAE returns
  dValues: GPUBuffer;   // (N) out: ∂L/∂values
  stats: GPUBuffer;     // (statsOffset + VALUE_STATS) out
  statsOffset?: number;
  N: number;
  V: number;
  clip: number;
  /** The value loss's weight in the total loss (vf_coef). */
  coef: number;
  gradScale?: number;
}

export function rlValueLoss(gpu: Gpu, enc: StepEncoder, a: ValueLossArgs): void {
  enc.dispatch({
    label: 'rl_value_loss',
    pipeline: gpu.pipeline('rl_value_loss', responseTokensWgsl + valueWgsl),
    params: params().u32(a.N, a.V).f32(a.clip, a.coef, a.gradScale ?? 1).u32(a.statsOffset ?? 0),
    buffers: [a.values, a.targets, a.oldValues, a.returns, a.dValues, a.stats],
    workgroups: [1],
  });
}

export interface GaeArgs {
  targets: GPUBuffer; // (B·T) i32
  oldNll: GPUBuffer;  // (B·T)
  refNll: GPUBuffer;  // (B·T)
  values: GPUBuffer;  // (B·T)
  scores: GPUBuffer;  // (B) sequence rewards (reward model or grader)
  adv: GPUBuffer;     // (B·T) out
  returns: GPUBuffer; // (B·T) out
  B: number;
  T: number;
  V: number;
  gamma: number;
  lambda: number;
  klCoef: number;
  /** Scores are clamped to ±scoreClip (Infinity: no clamp). */
  scoreClip: number;
}

export function rlGae(gpu: Gpu, enc: StepEncoder, a: GaeArgs): void {
  if (a.B <= 0) return;
  enc.dispatch({
    label: 'rl_gae',
    pipeline: gpu.pipeline('rl_gae', gaeWgsl),
    params: params().u32(a.B, a.T, a.V).f32(a.gamma, a.lambda, a.klCoef, Math.min(a.scoreClip, 3e38)),
    buffers: [a.targets, a.oldNll, a.refNll, a.values, a.scores, a.adv, a.returns],
    workgroups: [Math.ceil(a.B / 64)],
  });
}

/** x (N) → (x − mean) / sqrt(var + 1e-8) over rows with a target in [0, V); 0 elsewhere. */
export function rlWhiten(gpu: Gpu, enc: StepEncoder, a: { targets: GPUBuffer; x: GPUBuffer; N: number; V: number }): void {
  enc.dispatch({
    label: 'rl_whiten',
    pipeline: gpu.pipeline('rl_whiten', whitenWgsl),
    params: params().u32(a.N, a.V),
    buffers: [a.targets, a.x],
    workgroups: [1],
  });
}
