// Deterministic reductions on the GPU (no float atomics: every result is bit-identical run to run):
//   rowKernel   runs a row-kernel body (layernorm, rmsnorm, softmax, cross-entropy) with the
//               reduction geometry that suits the device: a lane per row on CPU adapters, a
//               subgroup per row on GPUs with subgroups, a tree in workgroup memory otherwise
//   sumSquares  Σ x² over one or several (buffer, offset, n) ranges into one element of `out`
//   globalNorm  sqrt of the same (the gradient norm that AdamW's clipping reads)
//   scale       x[offset, offset + n) *= alpha, in place
// Why variants: on CPU adapters (SwiftShader, llvmpipe) an invocation is a SIMD lane and a
// workgroup barrier a coroutine switch per lane group (~1.5 ms per barrier in a 256-wide group on
// SwiftShader), so the fastest reduction there has no barrier at all; on a GPU one lane per row
// would leave most of the chip idle and read memory uncoalesced.
// Not here: the mean loss (crossentropy.ts) and the optimizer (adamw.ts). Reference: reduce.ref.ts.
import threadPrelude from '../../shaders/reduce_rows_thread.wgsl?raw';
import subgroupPrelude from '../../shaders/reduce_rows_subgroup.wgsl?raw';
import treePrelude from '../../shaders/reduce_rows_tree.wgsl?raw';
import vec4Prelude from '../../shaders/reduce_rows_vec4.wgsl?raw';
import scalarPrelude from '../../shaders/reduce_rows_scalar.wgsl?raw';
import partialWgsl from '../../shaders/reduce_sumsq_partial.wgsl?raw';
import partialThreadWgsl from '../../shaders/reduce_sumsq_partial_thread.wgsl?raw';
import finalWgsl from '../../shaders/reduce_sumsq_final.wgsl?raw';
import scaleWgsl from '../../shaders/scale_forward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { Binding, StepEncoder } from '../gpu/step-encoder';
import { params, type Params } from '../gpu/params';

// ---- Row kernels ---------------------------------------------------------------------------

/** How the lanes of a row kernel share a row: see shaders/reduce_rows_{thread,subgroup,tree}.wgsl. */
export type RowVariant = 'thread' | 'subgroup' | 'tree';

/** Workgroup sizes of the geometry preludes (their `const WG`). */
const THREAD_WG = 32;
const SUBGROUP_WG = 64;
const TREE_WG = 256;
/** Rows longer than this many packs get a whole workgroup per row on GPUs (e.g. a 50257 vocab). */
const LONG_ROW_PACKS = 1024;

/** True on software adapters, where invocations are SIMD lanes of CPU threads. */
export const isCpuAdapter = (gpu: Gpu): boolean => gpu.info.isCpu;

/** The geometry a row kernel uses on this device for rows of `packs` packs. */
export function rowVariant(gpu: Gpu, packs: number): RowVariant {
  if (isCpuAdapter(gpu)) return 'thread';
  if (gpu.hasFeature('subgroups') && packs <= LONG_ROW_PACKS) return 'subgroup';
  return 'tree';
}

/** Every row geometry this device can run (tests and benchmarks compare them all). */
export function rowVariants(gpu: Gpu): RowVariant[] {
  return gpu.hasFeature('subgroups') ? ['thread', 'subgroup', 'tree'] : ['thread', 'tree'];
}

/** Lanes per row for the tree geometry: about 4 packs per lane, 8 to 256 lanes (a power of two). */
function treeLanes(packs: number): number {
  let t = 8;
  while (t < TREE_WG && t * 4 < packs) t *= 2;
  return t;
}

/** The adapter's smallest subgroup size (4, WebGPU's minimum, when the adapter does not say). */
function minSubgroupSize(gpu: Gpu): number {
  const info = (gpu.device as { adapterInfo?: { subgroupMinSize?: number } }).adapterInfo;
  return Math.min(SUBGROUP_WG, Math.max(4, info?.subgroupMinSize ?? 4));
}

const PRELUDES: Record<RowVariant, string> = { thread: threadPrelude, subgroup: subgroupPrelude, tree: treePrelude };
const composed = new Map<string, Map<string, string>>();

/** `body` after its preludes: geometry (optional) first, for its `enable` directive, then width. */
function compose(body: string, width: 1 | 4, variant: RowVariant | null): string {
  let byKey = composed.get(body);
  if (!byKey) composed.set(body, (byKey = new Map()));
  const key = `${variant}/${width}`;
  let code = byKey.get(key);
  if (!code) byKey.set(key, (code = [variant ? PRELUDES[variant] : '', width === 4 ? vec4Prelude : scalarPrelude, body].join('\n')));
  return code;
}

/** A kernel body composed with only a width prelude (column reductions, partial sums). */
export function withWidth(body: string, width: 1 | 4): string {
  return compose(body, width, null);
}

/** 4 when rows of `cols` floats can be read as vec4 packs, else 1. */
export const packWidth = (cols: number): 1 | 4 => (cols % 4 === 0 ? 4 : 1);

export interface RowKernelArgs {
  /** Pipeline and profile label, e.g. 'layernorm_forward'. */
  label: string;
  /** A row-kernel body (defines rowMain; see shaders/reduce_rows_thread.wgsl). */
  body: string;
  rows: number;
  /** Row length in floats; rows are read as vec4 packs when it is a multiple of 4. */
  cols: number;
  params: Params;
  buffers: Binding[];
  constants?: Record<string, number>;
  /** Tests and benchmarks only: force a geometry instead of rowVariant(gpu, packs). */
  variant?: RowVariant;
}

/** Records one dispatch of a row kernel over `rows` rows. */
export function rowKernel(gpu: Gpu, enc: StepEncoder, { label, body, rows, cols, params: p, buffers, constants = {}, variant: forced }: RowKernelArgs): void {
  if (rows <= 0) return;
  const width = packWidth(cols);
  const packs = cols / width;
  const variant = forced ?? rowVariant(gpu, packs);
  const c = { ...constants };
  let rowsPerGroup: number;
  if (variant === 'thread') {
    rowsPerGroup = THREAD_WG;
  } else if (variant === 'subgroup') {
    if (!gpu.hasFeature('subgroups')) throw new Error(`${label}: the 'subgroup' row geometry needs the 'subgroups' feature, which this device lacks.`);
    rowsPerGroup = c.RPW = SUBGROUP_WG / minSubgroupSize(gpu);
  } else {
    c.TPR = treeLanes(packs);
    rowsPerGroup = TREE_WG / c.TPR;
  }
  enc.dispatch1d({ label, pipeline: gpu.pipeline(label, compose(body, width, variant), c), params: p, buffers }, Math.ceil(rows / rowsPerGroup));
}

// ---- Sum of squares ------------------------------------------------------------------------

/** Elementwise kernels (scale). */
const WG = 256;
/** Partial-sum workgroups are 64 wide (see shaders/reduce_sumsq_partial.wgsl). */
const REDUCE_WG = 64;
/** GPU stage 1: enough workgroups to fill a large GPU; beyond it each thread loops over more. */
const MAX_GROUPS = 1024;
/** GPU stage 1: below this many elements per thread a range uses fewer workgroups. */
const MIN_PER_THREAD = 8;
/** CPU stage 1: lanes per range (a few workgroups, one per core or so) and packs per lane. */
const MAX_CPU_THREADS = 256;
const CPU_PACKS_PER_THREAD = 1024;

/** A range x[offset, offset + n) of a (possibly larger) buffer. */
export interface SumRange { x: GPUBuffer; n: number; offset?: number }

/** Stage-1 geometry: 'tree' (a workgroup-wide tree per partial, GPUs) or 'thread' (a partial per
 *  lane, no barriers, CPU adapters). */
export type PartialVariant = 'thread' | 'tree';

export type SumSquaresArgs = {
  /** Receives the result at element outIndex (default 0). */
  out: GPUBuffer;
  outIndex?: number;
  /** Tests and benchmarks only: force the stage-1 geometry. */
  variant?: PartialVariant;
} & ({ x: GPUBuffer; n: number; offset?: number } | { ranges: SumRange[] });

/** Workgroups (= partials) the GPU stage 1 uses for a range of n elements. */
export function partialGroups(n: number): number {
  if (n <= 0) return 0;
  return Math.min(MAX_GROUPS, Math.ceil(n / (REDUCE_WG * MIN_PER_THREAD)));
}

/** Lanes (= partials) the CPU stage 1 uses for a range of `packs` packs. */
function partialThreads(packs: number): number {
  if (packs <= 0) return 0;
  return Math.min(MAX_CPU_THREADS, Math.ceil(packs / CPU_PACKS_PER_THREAD));
}

interface RangePlan { width: 1 | 4; packs: number; offsetPacks: number; partials: number }

function planRange(r: SumRange, variant: PartialVariant): RangePlan {
  const offset = r.offset ?? 0;
  const width: 1 | 4 = offset % 4 === 0 && r.n % 4 === 0 ? 4 : 1;
  const packs = Math.max(r.n, 0) / width;
  const partials = variant === 'tree' ? partialGroups(Math.max(r.n, 0)) : partialThreads(packs);
  return { width, packs, offsetPacks: offset / width, partials };
}

/** The stage-1 geometry this device uses. */
export function partialVariant(gpu: Gpu): PartialVariant {
  return isCpuAdapter(gpu) ? 'thread' : 'tree';
}

/** Number of partials stage 1 writes for these ranges (tests). */
export function partialCount(ranges: SumRange[], variant: PartialVariant): number {
  return ranges.reduce((s, r) => s + planRange(r, variant).partials, 0);
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
  const variant = args.variant ?? partialVariant(gpu);
  const plans = ranges.map((r) => planRange(r, variant));
  const total = plans.reduce((s, p) => s + p.partials, 0);
  const partials = partialsBuffer(gpu, total);
  let base = 0;
  ranges.forEach((r, i) => {
    const { width, packs, offsetPacks, partials: count } = plans[i];
    if (count === 0) return;
    const tree = variant === 'tree';
    const body = tree ? partialWgsl : partialThreadWgsl;
    enc.dispatch({
      label: 'reduce_sumsq_partial',
      pipeline: gpu.pipeline('reduce_sumsq_partial', withWidth(body, width)),
      params: tree ? params().u32(packs, offsetPacks, base) : params().u32(packs, offsetPacks, base, count),
      buffers: [r.x, partials],
      workgroups: [tree ? count : Math.ceil(count / REDUCE_WG)],
    });
    base += count;
  });
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
