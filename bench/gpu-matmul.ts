// The matmul part of the GPU bench (bench/gpu.ts): every tile configuration checked against the
// CPU reference on a small shape that is not a tile multiple (a config that fails is left out of
// the sweep and reported), then timed at GPT-2 training shapes; then the autotuner's own pick.
// Shapes: the forward X·Wᵀ (NT), dX = dY·W (NN) and dW = dYᵀ·X (TN) of each GPT-2 linear layer
// at B·T = 8192 rows, the 50257-vocabulary head, and a square product.
import type { Gpu } from '../src/gpu/gpu';
import type { GpuTimer } from '../src/gpu/timing';
import { matmul, type MatmulKernel } from '../src/kernels/matmul';
import { matmulRef } from '../src/kernels/matmul.ref';
import { kernelName, resetPlans, type MatmulShape } from '../src/kernels/matmul-plan';
import { SWEEP_CONFIGS, tileProblem, type TileConfig } from '../src/kernels/matmul-tile-config';
import { describeTuning, tuneMatmuls, type TuneResult } from '../src/kernels/matmul-tune';
import { Rng } from '../src/util/rng';

export interface NamedShape extends MatmulShape { name: string }
export interface CheckResult { kernel: string; ok: boolean; detail: string }
export interface SweepResult { shape: string; form: string; M: number; N: number; K: number; kernel: string; ms: number; tflops: number }

const form = (s: MatmulShape) => `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;

/** fwd: y (rows, out) = x (rows, in) · wᵀ; dX: (rows, in) = dy · w; dW: (out, in) = dyᵀ · x. */
export function linearShapes(name: string, rows: number, inF: number, outF: number): NamedShape[] {
  return [
    { name: `${name} fwd`, M: rows, N: outF, K: inF, batch: 1, transA: false, transB: true },
    { name: `${name} dX`, M: rows, N: inF, K: outF, batch: 1, transA: false, transB: false },
    { name: `${name} dW`, M: outF, N: inF, K: rows, batch: 1, transA: true, transB: false },
  ];
}

export function gpt2Shapes(quick: boolean): NamedShape[] {
  const [rows, C, V, sq] = quick ? [96, 48, 203, 72] : [8192, 768, 50257, 4096];
  return [
    ...linearShapes('qkv', rows, C, 3 * C),
    ...linearShapes('attn proj', rows, C, C),
    ...linearShapes('fc', rows, C, 4 * C),
    ...linearShapes('mlp proj', rows, 4 * C, C),
    ...linearShapes('lm head', rows, C, V),
    { name: `square ${sq}`, M: sq, N: sq, K: sq, batch: 1, transA: false, transB: false },
  ];
}

export function sweepKernels(gpu: Gpu): MatmulKernel[] {
  const tiles = SWEEP_CONFIGS.filter((t) => tileProblem(t, gpu.limits) === null);
  return ['tiled', ...tiles];
}

/** Each kernel on all four product forms at 67 × 45 × 53 (no dimension a tile multiple or, for the
 *  scalar paths, a multiple of 4) and 68 × 44 × 52 (vec4 paths), against the float64 reference. */
export async function checkKernels(gpu: Gpu, kernels: MatmulKernel[]): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const rng = new Rng(3);
  for (const kernel of kernels) {
    let worst = 0, detail = '';
    for (const [M, N, K] of [[67, 45, 53], [68, 44, 52], [133, 70, 37]]) {
      for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
        const a = rng.floats(M * K), b = rng.floats(K * N), bias = rng.floats(N), c0 = rng.floats(M * N);
        const bufs = [a, b, bias, c0].map((x) => gpu.upload(x));
        try {
          await gpu.scoped(`matmul ${kernelName(kernel)}`, () => {
            const enc = gpu.encoder('check');
            matmul(gpu, enc, { a: bufs[0], b: bufs[1], c: bufs[3], bias: bufs[2], accumulate: true, M, N, K, transA, transB, kernel });
            enc.submit();
          });
          const got = await gpu.readF32(bufs[3], M * N);
          const want = matmulRef(a, b, { M, N, K, transA, transB, bias, c0 });
          for (let i = 0; i < want.length; i++) {
            const e = Math.abs(got[i] - want[i]) / (2e-5 + 1e-5 * Math.abs(want[i]));
            if (!(e <= worst)) { worst = Number.isNaN(e) ? Infinity : e; detail = `${M}×${N}×${K} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} [${i}] got ${got[i]} want ${want[i]}`; }
          }
        } catch (e) {
          worst = Infinity; detail = String((e as Error).message ?? e).split('\n')[0];
        } finally {
          gpu.release(...bufs);
        }
      }
    }
    out.push({ kernel: kernelName(kernel), ok: worst <= 1, detail: worst <= 1 ? `max error ${worst.toFixed(2)} of tolerance` : detail });
  }
  return out;
}

/** Times each kernel on each shape (GPU time per product, from the timer). Stops early, leaving
 *  the rest out, once `deadline` (performance.now()) has passed. */
export async function sweep(gpu: Gpu, timer: GpuTimer, shapes: NamedShape[], kernels: MatmulKernel[], deadline: number, onRow: (r: SweepResult) => void): Promise<void> {
  for (const s of shapes) {
    const bytes = [s.M * s.K, s.K * s.N, s.M * s.N].map((n) => Math.ceil((4 * n) / 16) * 16);
    const [a, b, c] = bytes.map((n) => gpu.buffer(n, 'sweep'));
    try {
      for (const kernel of kernels) {
        if (performance.now() > deadline) return;
        const record = (enc: Parameters<Parameters<GpuTimer['time']>[0]>[0]) => matmul(gpu, enc, { a, b, c, M: s.M, N: s.N, K: s.K, transA: s.transA, transB: s.transB, kernel });
        const first = await timer.time(record, 1);
        const ms = await timer.time(record, Math.max(2, Math.min(10, Math.ceil(5 / Math.max(first, 1e-3)))));
        const r = { shape: s.name, form: form(s), M: s.M, N: s.N, K: s.K, kernel: kernelName(kernel), ms, tflops: (2 * s.M * s.N * s.K) / (ms * 1e9) };
        onRow(r);
      }
    } finally {
      gpu.release(a, b, c);
    }
  }
}

/** The autotuner from scratch on these shapes: its pick and timings per shape, and its cost. */
export async function tuneFromScratch(gpu: Gpu, shapes: NamedShape[], candidates?: TileConfig[]): Promise<{ seconds: number; results: TuneResult[]; lines: string[] }> {
  resetPlans(gpu);
  const t0 = performance.now();
  const results = await tuneMatmuls(gpu, shapes.map(({ name: _n, ...s }) => s), { force: true, candidates });
  return { seconds: (performance.now() - t0) / 1000, results, lines: results.map(describeTuning) };
}
