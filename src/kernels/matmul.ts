// Matrix products on the GPU: a general batched matmul, and the linear layer built on it.
//   matmul:         C (M, N) = op(A) (M, K) · op(B) (K, N) [+ bias (N)]   (or +=), batched
//   linearForward:  y (M, N) = x (M, K) · wᵀ + b            w (N, K) is PyTorch's layout
//   linearBackward: dx (M, K) = dy · w, dw (N, K) += dyᵀ · x, db (N) += Σ_rows dy
// All three record dispatches only. Reference: matmul.ref.ts. Operands are bindings (a whole buffer
// or a byte range of one, see gpu/binding.ts) read as vec4 arrays, so their byte sizes must be
// multiples of 16 (every Gpu.buffer / upload is, and binding.subRange rounds up to it).
// Kernels computing the same product (bench/matmul.ts and bench/gpu.ts time them):
//   'regs'   matmul_forward_regs.wgsl: 8 rows × 4 columns per invocation straight from global memory,
//            no workgroup memory or barriers; about 2× faster than tiling on the CPU-based adapters
//            (SwiftShader, llvmpipe), where invocations are SIMD lanes and barriers are context switches.
//   tiles    the generated workgroup-tiled family (matmul-tile-config.ts, matmul-tile-codegen.ts):
//            BM × BN tiles, TM × TN registers per invocation, optional double buffering; for GPUs.
//   'tiled'  matmul_forward.wgsl, the first 64×64 / 4×4 tiled kernel: the GPU bench's baseline.
// matmul picks through matmul-plan.ts: 'regs' on CPU-based adapters, on GPUs the autotuned tile
// for the product's shape class (matmul-tune.ts), or a heuristic one until it has been tuned.
import forwardWgsl from '../../shaders/matmul_forward.wgsl?raw';
import forwardRegsWgsl from '../../shaders/matmul_forward_regs.wgsl?raw';
import backwardWgsl from '../../shaders/matmul_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';
import { planMatmul, type MatmulKernel } from './matmul-plan';
import { tileGeometry, tileName, tileProblem, type TileConfig } from './matmul-tile-config';
import { tileMatmulWgsl } from './matmul-tile-codegen';
import { sizeOf, type Binding } from '../gpu/binding';

export type { MatmulKernel } from './matmul-plan';

// 'tiled': WX × WY invocations compute a (4·WY) × (4·WX) tile of C, stepping K by TK.
const TILED = { WX: 16, WY: 16, TK: 16 };
// 'regs': one row of WX invocations computes 8 rows × 4·WX columns of C.
const REGS = { WX: 8, ROWS: 8 };

const tileSources = new Map<string, string>();
function tileSource(t: TileConfig): string {
  const name = tileName(t);
  let src = tileSources.get(name);
  if (!src) tileSources.set(name, (src = tileMatmulWgsl(t)));
  return src;
}

export interface MatmulArgs {
  a: Binding;
  b: Binding;
  c: Binding;
  M: number;
  N: number;
  K: number;
  /** Independent products with contiguous strides M·K, K·N, M·N. Default 1. */
  batch?: number;
  /** A is stored (K, M) and used transposed. */
  transA?: boolean;
  /** B is stored (N, K) and used transposed. */
  transB?: boolean;
  /** C += product instead of C = product. */
  accumulate?: boolean;
  /** (N), added to every row. */
  bias?: Binding | null;
  /** Tests and benchmarks only: force a kernel instead of planMatmul's choice. */
  kernel?: MatmulKernel;
}

function checkBuffer(buf: Binding, floats: number, what: string): void {
  const size = sizeOf(buf);
  if (size % 16 !== 0) throw new Error(`matmul: ${what} is ${size} bytes; it must be a multiple of 16 (allocate it with gpu.buffer).`);
  if (size < floats * 4) throw new Error(`matmul: ${what} holds ${size / 4} floats but ${floats} are needed.`);
}

/** C[bt] = op(A[bt]) · op(B[bt]) [+ bias], or C[bt] += … when `accumulate`. C must not alias A or B. */
export function matmul(gpu: Gpu, enc: StepEncoder, args: MatmulArgs): void {
  const { a, b, c, M, N, K, batch = 1, transA = false, transB = false, accumulate = false, bias = null } = args;
  for (const [k, v] of Object.entries({ M, N, K, batch }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`matmul: ${k} must be a positive integer, got ${v}.`);
  checkBuffer(a, batch * M * K, 'A');
  checkBuffer(b, batch * K * N, 'B');
  checkBuffer(c, batch * M * N, 'C');
  if (bias) checkBuffer(bias, N, 'bias');
  const kernel = args.kernel ?? planMatmul(gpu, { M, N, K, batch, transA, transB });
  const groups: [number, number, number] = kernel === 'tiled' ? [Math.ceil(N / (4 * TILED.WX)), Math.ceil(M / (4 * TILED.WY)), batch]
    : kernel === 'regs' ? [Math.ceil(N / (4 * REGS.WX)), Math.ceil(M / REGS.ROWS), batch]
      : [Math.ceil(N / kernel.BN), Math.ceil(M / kernel.BM), batch];
  const maxGroups = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (groups.some((g) => g > maxGroups)) throw new Error(`matmul: ${groups.join('×')} workgroups exceed this GPU's ${maxGroups} per dimension (M=${M}, N=${N}, batch=${batch}).`);
  const constants = {
    TRANS_A: Number(transA),
    TRANS_B: Number(transB),
    // Vector loads need each matrix's contiguous dimension to be a multiple of 4.
    VEC_A: Number((transA ? M : K) % 4 === 0),
    VEC_B: Number((transB ? K : N) % 4 === 0),
    VEC_C: Number(N % 4 === 0),
  };
  let flags = (accumulate ? 1 : 0) | (bias ? 2 : 0);
  let pipeline: GPUComputePipeline, label: string;
  if (kernel === 'tiled') {
    label = 'matmul_forward';
    pipeline = gpu.pipeline(label, forwardWgsl, { ...constants, ...TILED, AS_LEN: TILED.TK * TILED.WY, BS_LEN: TILED.TK * TILED.WX });
  } else if (kernel === 'regs') {
    label = 'matmul_forward_regs';
    pipeline = gpu.pipeline(label, forwardRegsWgsl, { ...constants, WX: REGS.WX });
  } else {
    const problem = tileProblem(kernel, gpu.limits);
    if (problem) throw new Error(`matmul: tile ${tileName(kernel)} cannot run on this device: ${problem}.`);
    // Labelled by product form, so a profile tells forward (NT), dX (NN) and dW (TN) apart.
    label = `matmul_${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
    pipeline = gpu.pipeline(`matmul_tile ${tileName(kernel)}`, tileSource(kernel));
    flags |= (constants.TRANS_A << 2) | (constants.TRANS_B << 3) | (constants.VEC_A << 4) | (constants.VEC_B << 5) | (constants.VEC_C << 6);
  }
  enc.dispatch({
    label,
    pipeline,
    params: params().u32(M, N, K, flags),
    // Without a bias, A stands in at the bias binding (never read): both are read-only.
    buffers: [a, b, bias ?? a, c],
    workgroups: groups,
  });
}

/** Invocations per workgroup of a kernel (for reports). */
export function kernelThreads(k: MatmulKernel): number {
  return k === 'tiled' ? TILED.WX * TILED.WY : k === 'regs' ? REGS.WX : tileGeometry(k).threads;
}

export interface LinearForwardArgs {
  x: Binding;        // (M, K)
  w: Binding;        // (N, K)
  b: Binding | null; // (N)
  y: Binding;        // (M, N)
  M: number;
  K: number;
  N: number;
}

/** y = x · wᵀ + b. */
export function linearForward(gpu: Gpu, enc: StepEncoder, { x, w, b, y, M, K, N }: LinearForwardArgs): void {
  matmul(gpu, enc, { a: x, b: w, c: y, M, N, K, transB: true, bias: b });
}

export interface LinearBackwardArgs {
  dy: Binding;        // (M, N)
  x: Binding;         // (M, K)
  w: Binding;         // (N, K)
  dx: Binding;        // (M, K)
  dw: Binding;        // (N, K)
  db: Binding | null; // (N)
  M: number;
  K: number;
  N: number;
  /** dx += dy · w instead of overwriting (an input that feeds several branches). */
  accumulateDx?: boolean;
}

/** dx = dy · w (or +=), dw += dyᵀ · x, db += Σ_rows dy. Three dispatches (two without db). */
export function linearBackward(gpu: Gpu, enc: StepEncoder, args: LinearBackwardArgs): void {
  const { dy, x, w, dx, dw, db, M, K, N, accumulateDx = false } = args;
  matmul(gpu, enc, { a: dy, b: w, c: dx, M, N: K, K: N, accumulate: accumulateDx });
  matmul(gpu, enc, { a: dy, b: x, c: dw, M: N, N: K, K: M, transA: true, accumulate: true });
  if (db) biasBackward(gpu, enc, dy, db, M, N);
}

const BIAS_COLS = 64;

/** db (N) += Σ_m dy (M, N)[m, :], deterministic. */
function biasBackward(gpu: Gpu, enc: StepEncoder, dy: Binding, db: Binding, M: number, N: number): void {
  enc.dispatch({
    label: 'matmul_backward',
    pipeline: gpu.pipeline('matmul_backward', backwardWgsl),
    params: params().u32(M, N),
    buffers: [dy, db],
    workgroups: [Math.ceil(N / BIAS_COLS)],
  });
}
