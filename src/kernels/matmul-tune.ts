// The asynchronous half of the matmul autotuner: for each shape class that matmul-plan.ts has
// noted (or that a caller names), time a few tile configurations on this device and record the
// fastest, once per adapter. CPU-based adapters are not tuned ('regs' is their kernel).
// Timing uses timestamp queries where the adapter has them, else submit-to-completion wall time
// (src/gpu/timing.ts). Buffers for timing are scratch ones of the product's size (destroyed after),
// capped so that a huge product (a 50k-vocabulary head) is timed on fewer rows.
// It does not run during a step: callers await it between steps (LmTrainer does before each).
import type { Gpu } from '../gpu/gpu';
import { createGpuTimer, type GpuTimer } from '../gpu/timing';
import { STORAGE_USAGE } from '../gpu/usage';
import { matmul } from './matmul';
import { pendingShapes, setWinner, type MatmulShape } from './matmul-plan';
import { TUNE_CANDIDATES, tileName, tileProblem, type TileConfig } from './matmul-tile-config';

export interface TuneTiming { tile: TileConfig; ms: number }
export interface TuneResult { shape: MatmulShape; timed: MatmulShape; winner: TileConfig; timings: TuneTiming[]; method: string }

export interface TuneOptions {
  candidates?: TileConfig[];
  /** Aim for at least this much GPU time per measurement. Default 3 ms. */
  targetMs?: number;
  /** Scratch buffers per operand at most. Default 128 MiB. */
  maxBufferBytes?: number;
  /** Tune even on a CPU-based adapter (tests). */
  force?: boolean;
}

/** The fastest of the timings (the first one on ties, so the order of candidates decides). */
export function fastest(timings: TuneTiming[]): TuneTiming {
  if (timings.length === 0) throw new Error('matmul tuning: no candidate could be timed.');
  return timings.reduce((best, t) => (t.ms < best.ms ? t : best));
}

/** The shape actually timed: rows (then columns) about halved until each operand fits `maxBytes`,
 *  each kept at its remainder mod 4 so that the same vec4 paths run. */
export function timingShape(s: MatmulShape, maxBytes: number): MatmulShape {
  const t = { ...s };
  const floats = maxBytes / 4;
  const half = (x: number) => 4 * Math.ceil(x / 8) + (x % 4);
  while (t.M > 64 && Math.max(t.M * t.K, t.M * t.N) * t.batch > floats) t.M = half(t.M);
  while (t.N > 64 && Math.max(t.K * t.N, t.M * t.N) * t.batch > floats) t.N = half(t.N);
  return t;
}

async function timeTile(gpu: Gpu, timer: GpuTimer, s: MatmulShape, tile: TileConfig, bufs: GPUBuffer[], targetMs: number): Promise<number> {
  const [a, b, c] = bufs;
  const record = (enc: Parameters<Parameters<GpuTimer['time']>[0]>[0]) =>
    matmul(gpu, enc, { a, b, c, M: s.M, N: s.N, K: s.K, batch: s.batch, transA: s.transA, transB: s.transB, kernel: tile });
  const first = await timer.time(record, 1);   // compiles the pipeline and warms the caches
  const reps = Math.max(2, Math.min(20, Math.ceil(targetMs / Math.max(first, 1e-3))));
  return timer.time(record, reps);
}

/** Times the candidates on `shapes` (default: the shape classes noted and not tuned yet on this
 *  device) and records each winner for its shape class. */
export async function tuneMatmuls(gpu: Gpu, shapes: MatmulShape[] = pendingShapes(gpu), opts: TuneOptions = {}): Promise<TuneResult[]> {
  if ((gpu.info.isCpu && !opts.force) || shapes.length === 0) return [];
  const { targetMs = 3, maxBufferBytes = 128 * 2 ** 20 } = opts;
  const candidates = (opts.candidates ?? TUNE_CANDIDATES).filter((t) => tileProblem(t, gpu.limits) === null);
  const timer = createGpuTimer(gpu);
  const results: TuneResult[] = [];
  try {
    for (const shape of shapes) {
      const timed = timingShape(shape, Math.min(maxBufferBytes, gpu.limits.maxStorageBufferBindingSize));
      const sizes = [timed.M * timed.K, timed.K * timed.N, timed.M * timed.N].map((n) => Math.max(16, Math.ceil((4 * n * timed.batch) / 16) * 16));
      // Not pooled: a pool would keep up to three large idle buffers for the rest of the session.
      const bufs = sizes.map((size) => gpu.device.createBuffer({ size, usage: STORAGE_USAGE, label: 'matmul-tune' }));
      try {
        const timings: TuneTiming[] = [];
        for (const tile of candidates) timings.push({ tile, ms: await timeTile(gpu, timer, timed, tile, bufs, targetMs) });
        const winner = fastest(timings).tile;
        setWinner(gpu, shape, winner);
        results.push({ shape, timed, winner, timings, method: timer.method });
      } finally {
        await gpu.sync();
        for (const b of bufs) b.destroy();
      }
    }
  } finally {
    timer.destroy();
  }
  return results;
}

/** One line per result: the shape, the winner and every candidate's time. */
export function describeTuning(r: TuneResult): string {
  const s = r.shape;
  const form = `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
  const cut = r.timed.M !== s.M || r.timed.N !== s.N ? ` (timed at ${r.timed.M}×${r.timed.N})` : '';
  return `${form} ${s.M}×${s.N}×${s.K}${s.batch > 1 ? ` ×${s.batch}` : ''}${cut}: ${tileName(r.winner)} — ` +
    r.timings.map((t) => `${tileName(t.tile)} ${t.ms.toFixed(3)} ms`).join(', ');
}
