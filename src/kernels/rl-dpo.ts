// Sequence log-probs and the DPO loss on the GPU:
//   rlSeqLogp  out (S) = Σ over response rows of log π (−losses), per sequence of a (S, T) batch
//   rlDpoLoss  −log σ(β[(logπ(c) − logπ_ref(c)) − (logπ(r) − logπ_ref(r))]) averaged over P pairs,
//              and rowGrad (2P·T) for LmHead.backward; metrics into stats
// Batch layout for DPO: sequences 0..P−1 are the chosen responses, P..2P−1 the rejected ones, in
// pair order. Not here: the forward passes (src/train/rl). Reference: rl-dpo.ref.ts.
import seqWgsl from '../../shaders/rl_seq_logp.wgsl?raw';
import dpoWgsl from '../../shaders/rl_dpo_loss.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

/** Floats rlDpoLoss writes to stats: mean loss, implicit reward accuracy, chosen and rejected reward. */
export const DPO_STATS = 4;

export interface SeqLogpArgs {
  losses: GPUBuffer;  // (S·T) −log π per row
  targets: GPUBuffer; // (S·T) i32, −1 = not a response token
  out: GPUBuffer;     // (S)
  S: number;
  T: number;
  V: number;
}

export function rlSeqLogp(gpu: Gpu, enc: StepEncoder, a: SeqLogpArgs): void {
  if (a.S <= 0) return;
  enc.dispatch({
    label: 'rl_seq_logp',
    pipeline: gpu.pipeline('rl_seq_logp', seqWgsl),
    params: params().u32(a.S, a.T, a.V),
    buffers: [a.losses, a.targets, a.out],
    workgroups: [Math.ceil(a.S / 64)],
  });
}

export interface DpoLossArgs {
  targets: GPUBuffer; // (2P·T) i32
  logp: GPUBuffer;    // (2P) policy sequence log-probs (rlSeqLogp)
  refLogp: GPUBuffer; // (2P) reference sequence log-probs
  rowGrad: GPUBuffer; // (2P·T) out
  stats: GPUBuffer;   // (statsOffset + DPO_STATS) out
  statsOffset?: number;
  P: number;
  T: number;
  V: number;
  beta: number;
  gradScale?: number;
}

export function rlDpoLoss(gpu: Gpu, enc: StepEncoder, a: DpoLossArgs): void {
  enc.dispatch({
    label: 'rl_dpo_loss',
    pipeline: gpu.pipeline('rl_dpo_loss', dpoWgsl),
    params: params().u32(a.P, a.T, a.V).f32(a.beta, a.gradScale ?? 1).u32(a.statsOffset ?? 0),
    buffers: [a.targets, a.logp, a.refLogp, a.rowGrad, a.stats],
    workgroups: [1],
  });
}
