// AdamW with clipping by global gradient norm, on the GPU, PyTorch semantics (torch.optim.AdamW +
// torch.nn.utils.clip_grad_norm_). The norm comes from a 1-element GPU buffer (reduce.ts globalNorm),
// so a step needs no readback. A non-finite norm makes the kernel skip the whole update (param, m, v
// untouched); the skip is exactly "gradNorm is NaN/Inf", so the trainer reports it by reading the
// norm back whenever it reads its statistics.
// Operates on one range (offset, n) shared by param, grad, m and v, so parameter groups (decayed,
// not decayed) are separate calls on ranges of the same big buffers.
// Not here: learning-rate schedules, zeroing gradients, computing the norm.
// Reference: adamw.ref.ts.
import updateWgsl from '../../shaders/adamw_update.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

export interface AdamWArgs {
  param: GPUBuffer; // (offset + n)
  grad: GPUBuffer; // (offset + n), read only (clipping is applied on the fly)
  m: GPUBuffer; // (offset + n) first moment
  v: GPUBuffer; // (offset + n) second moment
  n: number;
  offset?: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based optimizer step (bias correction). */
  step: number;
  /** (1) global L2 norm of all gradients. */
  gradNorm: GPUBuffer;
  /** Clip the gradient to this global norm; <= 0 disables clipping. */
  maxNorm: number;
}

export function adamw(gpu: Gpu, enc: StepEncoder, a: AdamWArgs): void {
  if (!(a.step >= 1)) throw new Error(`adamw: step must be >= 1 (got ${a.step})`);
  if (a.n <= 0) return;
  // Step-dependent scalars in float64, as PyTorch computes them in Python.
  const bc1 = 1 - a.beta1 ** a.step;
  const bc2 = 1 - a.beta2 ** a.step;
  enc.dispatch1d({
    label: 'adamw_update',
    pipeline: gpu.pipeline('adamw_update', updateWgsl),
    params: params()
      .u32(a.n, a.offset ?? 0)
      .f32(1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, 1 - a.lr * a.weightDecay, a.lr / bc1, Math.sqrt(bc2), a.maxNorm),
    buffers: [a.param, a.grad, a.m, a.v, a.gradNorm],
  }, Math.ceil(a.n / WG));
}
