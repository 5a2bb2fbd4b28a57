// RMSNorm over the last dimension on the GPU, forward and backward.
//   forward:  y = x · rstd · weight, rstd = 1 / sqrt(mean(x²) + eps); saves rstd (rows)
//   backward: dx += rstd · (g − xhat · mean(g · xhat)), g = dy ∘ weight, xhat = x · rstd;
//             dweight += Σ_rows dy ∘ xhat
// Row kernels (reduce.ts rowKernel); dweight uses LayerNorm's deterministic column reduction
// without centering (normParamGrads). Reference: rmsnorm.ref.ts.
import forwardWgsl from '../../shaders/rmsnorm_forward.wgsl?raw';
import backwardWgsl from '../../shaders/rmsnorm_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Binding } from '../gpu/binding';
import { params } from '../gpu/params';
import { rowKernel, type RowVariant } from './reduce';
import { normParamGrads } from './layernorm';

export interface RmsnormForwardArgs {
  x: Binding;      // (rows, C)
  weight: Binding; // (C)
  y: Binding;      // (rows, C)
  rstd: Binding;   // (rows), saved for backward
  rows: number;
  C: number;
  eps?: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function rmsnormForward(gpu: Gpu, enc: StepEncoder, { x, weight, y, rstd, rows, C, eps = 1e-5, variant }: RmsnormForwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'rmsnorm_forward', body: forwardWgsl, rows, cols: C, variant,
    params: params().u32(rows, C).f32(eps),
    buffers: [x, weight, y, rstd],
  });
}

export interface RmsnormBackwardArgs {
  dy: Binding;      // (rows, C)
  x: Binding;       // (rows, C) forward input
  weight: Binding;  // (C)
  rstd: Binding;    // (rows) from forward
  dx: Binding;      // (rows, C), accumulated (+=)
  dweight: Binding; // (C), accumulated (+=)
  rows: number;
  C: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function rmsnormBackward(gpu: Gpu, enc: StepEncoder, { dy, x, weight, rstd, dx, dweight, rows, C, variant }: RmsnormBackwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'rmsnorm_backward', body: backwardWgsl, rows, cols: C, variant,
    params: params().u32(rows, C),
    buffers: [dy, x, weight, rstd, dx],
  });
  normParamGrads(gpu, enc, { dy, x, mean: null, rstd, dweight, dbias: null, rows, C });
}
