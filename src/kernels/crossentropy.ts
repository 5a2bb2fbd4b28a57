// Fused softmax cross-entropy on the GPU, forward and backward, plus the mean-loss reduction.
//   forward:  losses (N) = lse − logits[target] (0 where ignored), lse (N) saved
//   backward: dlogits (N, V) = rowGrad · (softmax − onehot), 0 for ignored rows; may run in place
//   meanLoss: out (1) = Σ losses / count over counted rows, and optionally rowGrad (N) =
//             gradScale / count on counted rows, 0 elsewhere — the count is taken on the GPU
// Targets are i32; a target outside [0, V) (the convention is −1) is ignored.
// Any loss built from per-token log-probs (SFT, PPO, DPO) backprops through crossEntropyBackward
// with its own rowGrad = ∂L/∂losses[t]. Forward and backward are row kernels (reduce.ts rowKernel:
// a lane per row on CPU adapters, a subgroup per row on GPUs, a workgroup per row for long rows
// such as a 50257 vocabulary). Not here: the lm-head matmul, label smoothing, z-loss.
// Reference: crossentropy.ref.ts.
import forwardWgsl from '../../shaders/crossentropy_forward.wgsl?raw';
import backwardWgsl from '../../shaders/crossentropy_backward.wgsl?raw';
import meanLossWgsl from '../../shaders/reduce_mean_loss.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Binding } from '../gpu/binding';
import { params } from '../gpu/params';
import { rowKernel, type RowVariant } from './reduce';

export interface CrossEntropyForwardArgs {
  logits: Binding; // (N, V)
  targets: Binding; // (N) i32, −1 = ignore
  losses: Binding; // (N) out
  lse: Binding; // (N) out, log-sum-exp of each row
  N: number;
  V: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function crossEntropyForward(gpu: Gpu, enc: StepEncoder, { logits, targets, losses, lse, N, V, variant }: CrossEntropyForwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'crossentropy_forward', body: forwardWgsl, rows: N, cols: V, variant,
    params: params().u32(N, V),
    buffers: [logits, targets, losses, lse],
  });
}

export interface CrossEntropyBackwardArgs {
  logits: Binding; // (N, V)
  targets: Binding; // (N) i32
  lse: Binding; // (N) from the forward
  rowGrad: Binding; // (N) ∂L/∂losses
  dlogits: Binding; // (N, V) overwritten; may be the logits buffer itself
  N: number;
  V: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function crossEntropyBackward(gpu: Gpu, enc: StepEncoder, { logits, targets, lse, rowGrad, dlogits, N, V, variant }: CrossEntropyBackwardArgs): void {
  const inPlace = dlogits === logits;
  rowKernel(gpu, enc, {
    label: 'crossentropy_backward', body: backwardWgsl, rows: N, cols: V, variant,
    constants: { IN_PLACE: inPlace ? 1 : 0 },
    params: params().u32(N, V),
    // In place, the logits slot cannot hold the buffer bound writable as dlogits: lse stands in
    // (unread; an f32 array where the shader expects packs, which only needs 16 bytes).
    buffers: [inPlace ? lse : logits, targets, lse, rowGrad, dlogits],
  });
}

export interface MeanLossArgs {
  losses: GPUBuffer; // (N)
  targets: GPUBuffer; // (N) i32
  out: GPUBuffer; // (1) mean loss over counted rows
  N: number;
  V: number;
  /** (N) when given, filled with gradScale / count on counted rows and 0 on ignored ones. */
  rowGrad?: GPUBuffer;
  /** Default 1; e.g. 1 / accumulation steps to average over micro-batches. */
  gradScale?: number;
}

export function meanLoss(gpu: Gpu, enc: StepEncoder, { losses, targets, out, N, V, rowGrad, gradScale = 1 }: MeanLossArgs): void {
  const pass = (fillRowGrad: boolean, dst: GPUBuffer) => enc.dispatch({
    label: fillRowGrad ? 'crossentropy_rowgrad' : 'crossentropy_mean_loss',
    pipeline: gpu.pipeline('reduce_mean_loss', meanLossWgsl, { FILL_ROW_GRAD: fillRowGrad ? 1 : 0 }),
    params: params().u32(N, V).f32(gradScale),
    buffers: [losses, targets, dst],
    workgroups: [1],
  });
  pass(false, out);
  if (rowGrad) pass(true, rowGrad);
}
