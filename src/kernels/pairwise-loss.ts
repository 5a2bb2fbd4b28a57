// The Bradley–Terry pairwise loss of a reward model on the GPU, forward and backward.
// Batch layout: pair p is rows 2p (chosen) and 2p + 1 (rejected) of a (2P, T) batch; each row's
// reward is the scalar head's value at its last real token, `last[row]`.
//   forward:  stats (P, 4) = [r_chosen, r_rejected, −log σ(m), m > 0] with m = r_c − r_r, and
//             summary (4) = [mean loss, accuracy, mean margin, P]; deterministic (one workgroup)
//   backward: dValues (2P·T) = ∂(gradScale · mean loss)/∂values: ∓σ(−m)·gradScale/P at the two
//             last tokens of each pair, 0 elsewhere (every element written)
// No readback: the trainer copies the summary into its history, metrics read stats rarely.
// Reference: pairwise-loss.ref.ts.
import forwardWgsl from '../../shaders/pairwise_loss_forward.wgsl?raw';
import backwardWgsl from '../../shaders/pairwise_loss_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

export interface PairwiseLossForwardArgs {
  values: GPUBuffer;  // (2P, T) rewards at every position
  last: GPUBuffer;    // (2P) i32 index of each row's last real token
  stats: GPUBuffer;   // (P, 4) out
  summary: GPUBuffer; // (4) out
  P: number;
  T: number;
}

export function pairwiseLossForward(gpu: Gpu, enc: StepEncoder, { values, last, stats, summary, P, T }: PairwiseLossForwardArgs): void {
  if (P < 1 || T < 1) throw new RangeError(`The pairwise loss needs at least one pair and one position, got P=${P}, T=${T}.`);
  enc.dispatch({
    label: 'pairwise_loss_forward',
    pipeline: gpu.pipeline('pairwise_loss_forward', forwardWgsl),
    params: params().u32(P, T),
    buffers: [values, last, stats, summary],
    workgroups: [1],
  });
}

export interface PairwiseLossBackwardArgs {
  values: GPUBuffer;  // (2P, T)
  last: GPUBuffer;    // (2P) i32
  dValues: GPUBuffer; // (2P, T) overwritten
  P: number;
  T: number;
  /** Default 1; e.g. 1 / accumulation steps to average over micro-batches. */
  gradScale?: number;
}

export function pairwiseLossBackward(gpu: Gpu, enc: StepEncoder, { values, last, dValues, P, T, gradScale = 1 }: PairwiseLossBackwardArgs): void {
  if (P < 1 || T < 1) throw new RangeError(`The pairwise loss needs at least one pair and one position, got P=${P}, T=${T}.`);
  enc.dispatch1d({
    label: 'pairwise_loss_backward',
    pipeline: gpu.pipeline('pairwise_loss_backward', backwardWgsl),
    params: params().u32(P, T).f32(gradScale),
    buffers: [values, last, dValues],
  }, Math.ceil((2 * P * T) / WG));
}
