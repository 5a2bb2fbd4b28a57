// LayerNorm over the last dimension on the GPU, forward and backward, plus the deterministic
// parameter-gradient reduction that RMSNorm shares (normParamGrads).
//   forward:  y = (x − mean) · rstd · weight + bias; saves mean, rstd (rows)   x, y (rows, C)
//   backward: dx += …, dweight += Σ_rows dy ∘ xhat, dbias += Σ_rows dy
// Forward and input gradient are row kernels (reduce.ts rowKernel: the reduction geometry follows
// the device). The parameter gradients are a column reduction in two stages (per-chunk partial
// sums, then the chunks added in order) into a scratch buffer this module keeps per device: no
// float atomics, so gradients are bit-identical from run to run. Reference: layernorm.ref.ts.
import forwardWgsl from '../../shaders/layernorm_forward.wgsl?raw';
import backwardWgsl from '../../shaders/layernorm_backward.wgsl?raw';
import paramsWgsl from '../../shaders/layernorm_backward_params.wgsl?raw';
import paramsSumWgsl from '../../shaders/layernorm_backward_params_sum.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Binding } from '../gpu/binding';
import { params } from '../gpu/params';
import { packWidth, rowKernel, withWidth, type RowVariant } from './reduce';

export interface LayernormForwardArgs {
  x: Binding;            // (rows, C)
  weight: Binding;       // (C)
  bias: Binding | null;  // (C)
  y: Binding;            // (rows, C)
  mean: Binding;         // (rows), saved for backward
  rstd: Binding;         // (rows), saved for backward
  rows: number;
  C: number;
  /** Added to the variance; PyTorch's default. */
  eps?: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function layernormForward(gpu: Gpu, enc: StepEncoder, { x, weight, bias, y, mean, rstd, rows, C, eps = 1e-5, variant }: LayernormForwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'layernorm_forward', body: forwardWgsl, rows, cols: C, variant,
    constants: { HAS_BIAS: bias ? 1 : 0 },
    params: params().u32(rows, C).f32(eps),
    // Without a bias the shader never reads binding 3; weight fills it (read-only aliasing is allowed).
    buffers: [x, weight, bias ?? weight, y, mean, rstd],
  });
}

export interface LayernormBackwardArgs {
  dy: Binding;            // (rows, C)
  x: Binding;             // (rows, C) forward input
  weight: Binding;        // (C)
  mean: Binding;          // (rows) from forward
  rstd: Binding;          // (rows) from forward
  dx: Binding;            // (rows, C), accumulated (+=)
  dweight: Binding;       // (C), accumulated (+=)
  dbias: Binding | null;  // (C), accumulated (+=)
  rows: number;
  C: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

export function layernormBackward(gpu: Gpu, enc: StepEncoder, { dy, x, weight, mean, rstd, dx, dweight, dbias, rows, C, variant }: LayernormBackwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'layernorm_backward', body: backwardWgsl, rows, cols: C, variant,
    params: params().u32(rows, C),
    buffers: [dy, x, weight, mean, rstd, dx],
  });
  normParamGrads(gpu, enc, { dy, x, mean, rstd, dweight, dbias, rows, C });
}

// Row chunks for the parameter-gradient reduction: enough chunks to fill a GPU, few enough that
// the scratch (MAX_CHUNKS, 2, C) stays small and stage 2's serial sum stays short.
const MAX_CHUNKS = 64;
const MIN_ROWS_PER_CHUNK = 32;
/** Workgroup size of both stages (one invocation per column pack). */
const COLS_PER_GROUP = 64;

interface Scratch { partials: Map<number, GPUBuffer>; spare: GPUBuffer | null }
const scratch = new WeakMap<Gpu, Scratch>();

function scratchFor(gpu: Gpu): Scratch {
  let s = scratch.get(gpu);
  if (!s) scratch.set(gpu, (s = { partials: new Map(), spare: null }));
  return s;
}

/** Partial-sum scratch for width C, kept for the device's lifetime (never released to the pool,
 *  which could hand it to someone else while recorded work still uses it). */
function partialsFor(gpu: Gpu, C: number): GPUBuffer {
  const s = scratchFor(gpu);
  let buf = s.partials.get(C);
  if (!buf) s.partials.set(C, (buf = gpu.buffer(MAX_CHUNKS * 2 * C * 4, 'norm_param_partials')));
  return buf;
}

/** A writable stand-in for a missing dbias: bindings cannot be empty, and may not alias dweight. */
function spareFor(gpu: Gpu): GPUBuffer {
  const s = scratchFor(gpu);
  return (s.spare ??= gpu.buffer(16, 'norm_param_spare'));
}

export interface NormParamGradsArgs {
  dy: Binding;            // (rows, C)
  x: Binding;             // (rows, C)
  /** (rows); null for RMSNorm, where xhat = x · rstd. */
  mean: Binding | null;
  rstd: Binding;          // (rows)
  dweight: Binding;       // (C), accumulated (+=)
  dbias: Binding | null;  // (C), accumulated (+=)
  rows: number;
  C: number;
}

/** dweight += Σ_rows dy ∘ xhat and dbias += Σ_rows dy, with xhat = (x − mean) · rstd (or x · rstd
 *  without mean). Deterministic: fixed-order sums, no atomics. Two dispatches. */
export function normParamGrads(gpu: Gpu, enc: StepEncoder, { dy, x, mean, rstd, dweight, dbias, rows, C }: NormParamGradsArgs): void {
  if (rows === 0 || C === 0) return;
  const rowsPerChunk = Math.max(MIN_ROWS_PER_CHUNK, Math.ceil(rows / MAX_CHUNKS));
  const chunks = Math.ceil(rows / rowsPerChunk);
  const constants = { CENTERED: mean ? 1 : 0, HAS_BIAS: dbias ? 1 : 0 };
  const width = packWidth(C);
  const groups = Math.ceil(C / width / COLS_PER_GROUP);
  const partials = partialsFor(gpu, C);
  enc.dispatch({
    label: 'layernorm_backward_params',
    pipeline: gpu.pipeline('layernorm_backward_params', withWidth(paramsWgsl, width), constants),
    params: params().u32(rows, C, rowsPerChunk),
    buffers: [dy, x, mean ?? rstd, rstd, partials],
    workgroups: [groups, chunks],
  });
  enc.dispatch({
    label: 'layernorm_backward_params_sum',
    pipeline: gpu.pipeline('layernorm_backward_params_sum', withWidth(paramsSumWgsl, width), { HAS_BIAS: constants.HAS_BIAS }),
    params: params().u32(C, chunks),
    buffers: [partials, dweight, dbias ?? spareFor(gpu)],
    workgroups: [groups],
  });
}
