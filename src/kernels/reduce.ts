// Deterministic reductions on the GPU (no float atomics: the result is bit-identical run to run):
//   sumSquares  Σ x² over one or several (buffer, offset, n) ranges into one element of `out`
//   globalNorm  sqrt of the same (the gradient norm that AdamW's clipping reads)
//   scale       x[offset, offset + n) *= alpha, in place
// Two stages: per range, up to 1024 workgroups each write one partial (grid-stride, fixed
// partition) to a scratch buffer; then one workgroup adds all partials in a fixed order.
// Not here: the mean loss (crossentropy.ts) and the optimizer (adamw.ts).
// Reference: reduce.ref.ts.
import partialWgsl from '../../shaders/reduce_sumsq_partial.wgsl?raw';
import finalWgsl from '../../shaders/reduce_sumsq_final.wgsl?raw';
import scaleWgsl from '../../shaders/scale_forward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

/** Elementwise kernels (scale). */
const WG = 256;
/** Reduction workgroups are 64 wide (see shaders/reduce_sumsq_partial.wgsl for why). */
const REDUCE_WG = 64;
/** Enough workgroups to fill a large GPU; beyond it each thread simply loops over more elements. */
const MAX_GROUPS = 1024;
/** Below this many elements per thread a range uses fewer workgroups (less stage-2 work). */
const MIN_PER_THREAD = 8;

/** A range x[offset, offset + n) of a (possibly larger) buffer. */
export interface SumRange { x: GPUBuffer; n: number; offset?: number }

export type SumSquaresArgs = {
  /** Receives the result at element outIndex (default 0). */
  out: GPUBuffer;
  outIndex?: number;
} & ({ x: GPUBuffer; n: number; offset?: number } | { ranges: SumRange[] });

/** Workgroups stage 1 uses for a range of n elements (also its number of partials). */
export function partialGroups(n: number): number {
  if (n <= 0) return 0;
  return Math.min(MAX_GROUPS, Math.ceil(n / (REDUCE_WG * MIN_PER_THREAD)));
}

// Partials live in one scratch buffer per device. Ops recorded in one or several encoders run in
// queue order, and only GPU passes write it, so every reduction can share it. It grows by
// replacement, never by release: a released pooled buffer could be refilled by a queue write
// before an already-recorded reduction runs.
const scratch = new WeakMap<Gpu, GPUBuffer>();

function partialsBuffer(gpu: Gpu, count: number): GPUBuffer {
  const have = scratch.get(gpu);
  if (have && have.size >= count * 4) return have;
  const buf = gpu.buffer(Math.max(count, MAX_GROUPS) * 4, 'reduce-partials');
  scratch.set(gpu, buf);
  return buf;
}

function reduceSquares(gpu: Gpu, enc: StepEncoder, args: SumSquaresArgs, takeSqrt: boolean): void {
  const ranges: SumRange[] = 'ranges' in args ? args.ranges : [args];
  const total = ranges.reduce((s, r) => s + partialGroups(r.n), 0);
  const partials = partialsBuffer(gpu, total);
  let base = 0;
  for (const r of ranges) {
    const groups = partialGroups(r.n);
    if (groups === 0) continue;
    enc.dispatch({
      label: 'reduce_sumsq_partial',
      pipeline: gpu.pipeline('reduce_sumsq_partial', partialWgsl),
      params: params().u32(r.n, r.offset ?? 0, base),
      buffers: [r.x, partials],
      workgroups: [groups],
    });
    base += groups;
  }
  enc.dispatch({
    label: 'reduce_sumsq_final',
    pipeline: gpu.pipeline('reduce_sumsq_final', finalWgsl),
    params: params().u32(total, args.outIndex ?? 0, takeSqrt ? 1 : 0),
    buffers: [partials, args.out],
    workgroups: [1],
  });
}

/** out[outIndex] = Σ x² over the range(s). Ranges may sit in different buffers. */
export function sumSquares(gpu: Gpu, enc: StepEncoder, args: SumSquaresArgs): void {
  reduceSquares(gpu, enc, args, false);
}

/** out[outIndex] = sqrt(Σ x²) over the range(s): the global L2 norm of the gradients. */
export function globalNorm(gpu: Gpu, enc: StepEncoder, args: SumSquaresArgs): void {
  reduceSquares(gpu, enc, args, true);
}

export interface ScaleArgs { x: GPUBuffer; n: number; offset?: number; alpha: number }

/** x[offset + i] *= alpha for i < n, in place. */
export function scale(gpu: Gpu, enc: StepEncoder, { x, n, offset = 0, alpha }: ScaleArgs): void {
  if (n <= 0) return;
  enc.dispatch1d({
    label: 'scale_forward',
    pipeline: gpu.pipeline('scale_forward', scaleWgsl),
    params: params().u32(n, offset).f32(alpha),
    buffers: [x],
  }, Math.ceil(n / WG));
}
