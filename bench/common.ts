// Shared benchmark plumbing: timing (warm-up, then median of N with spread), one result row per
// (kernel, shape) with our time next to a peer's on the same adapter, a table printer and JSON output.
// It does not choose shapes or peers; bench/<group>.ts files do, bench/kernels.ts runs them all.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Gpu } from '../src/gpu/gpu';
import type { StepEncoder } from '../src/gpu/step-encoder';

export interface BenchRow {
  group: string;
  name: string;
  /** Human-readable shape, e.g. '2048x384 · 384x1152'. */
  shape: string;
  /** Floating-point operations of one call (a multiply-add counts 2). */
  flops: number;
  oursMs: number;
  /** Null when the peer has no equivalent op. */
  peerMs: number | null;
  oursGflops: number;
  peerGflops: number | null;
  /** Our speed / peer speed (= peerMs / oursMs); > 1 means we are faster. */
  ratio: number | null;
  /** Per call of ours. */
  dispatches: number;
  submits: number;
  /** (max − min) / median over the timed iterations, in percent. */
  oursSpreadPct: number;
  peerSpreadPct: number | null;
  iters: number;
  /** Median process CPU time per call (all threads: software adapters run on the CPU, so this is
   *  less disturbed by other processes than wall time). */
  oursCpuMs?: number;
  peerCpuMs?: number | null;
}

export interface Timing { medianMs: number; minMs: number; maxMs: number; samples: number[]; cpuMs: number }
export interface GpuTiming extends Timing { dispatches: number; submits: number }

export interface TimingOpts {
  /** Untimed runs first (pipeline compilation, buffer allocation). Default 1. */
  warmup?: number;
  /** Timed runs at most. Default 5. */
  iters?: number;
  /** At least this many timed runs even over budget. Default 3. */
  minIters?: number;
  /** Stop adding timed runs once their total passes this. Default 4000 ms. */
  budgetMs?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times several runs (each resolves only once its work is finished) after warm-up, interleaved
 *  (a, b, c, a, b, c, …) so that all see the same background load: the machine is shared and slow
 *  drifts in load would otherwise land on whichever ran last. */
export async function measureAll(runs: (() => Promise<void>)[], opts: TimingOpts = {}): Promise<Timing[]> {
  const { warmup = 1, iters = 5, minIters = 3, budgetMs = 4000 } = opts;
  for (let i = 0; i < warmup; i++) for (const run of runs) await run();
  const wall: number[][] = runs.map(() => []);
  const cpu: number[][] = runs.map(() => []);
  let total = 0;
  for (let i = 0; i < iters && (i < minIters || total < budgetMs * runs.length); i++) {
    for (let r = 0; r < runs.length; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await runs[r]();
      const dt = performance.now() - t0;
      const c = process.cpuUsage(c0);
      wall[r].push(dt);
      cpu[r].push((c.user + c.system) / 1000);
      total += dt;
    }
  }
  return wall.map((samples, r) => ({
    medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), samples, cpuMs: median(cpu[r]),
  }));
}

export async function measure(run: () => Promise<void>, opts: TimingOpts = {}): Promise<Timing> {
  return (await measureAll([run], opts))[0];
}

/** A run that records what `record` records into one step encoder, submits it and waits for the
 *  queue to drain; `counts` holds the dispatches and submits of the last call (from Gpu.stats). */
export function gpuRun(gpu: Gpu, record: (enc: StepEncoder) => void): { run: () => Promise<void>; counts: { dispatches: number; submits: number } } {
  const counts = { dispatches: 0, submits: 0 };
  const run = async () => {
    const d0 = gpu.stats.dispatches, s0 = gpu.stats.submits;
    const enc = gpu.encoder('bench');
    record(enc);
    enc.submit();
    await gpu.sync();
    counts.dispatches = gpu.stats.dispatches - d0;
    counts.submits = gpu.stats.submits - s0;
  };
  return { run, counts };
}

/** measure() of gpuRun(gpu, record), with its dispatch and submit counts. */
export async function measureGpu(gpu: Gpu, record: (enc: StepEncoder) => void, opts: TimingOpts = {}): Promise<GpuTiming> {
  const { run, counts } = gpuRun(gpu, record);
  const t = await measure(run, opts);
  return { ...t, ...counts };
}

const spread = (t: Timing) => (t.medianMs > 0 ? (100 * (t.maxMs - t.minMs)) / t.medianMs : 0);
const gflops = (flops: number, ms: number) => flops / (ms * 1e6);

export function makeRow(group: string, name: string, shape: string, flops: number, ours: GpuTiming, peer: Timing | null): BenchRow {
  return {
    group, name, shape, flops,
    oursMs: ours.medianMs,
    peerMs: peer ? peer.medianMs : null,
    oursGflops: gflops(flops, ours.medianMs),
    peerGflops: peer ? gflops(flops, peer.medianMs) : null,
    ratio: peer ? peer.medianMs / ours.medianMs : null,
    dispatches: ours.dispatches,
    submits: ours.submits,
    oursSpreadPct: spread(ours),
    peerSpreadPct: peer ? spread(peer) : null,
    iters: ours.samples.length,
    oursCpuMs: ours.cpuMs,
    peerCpuMs: peer ? peer.cpuMs : null,
  };
}

/** Rows as an aligned text table (markdown-compatible). The CPU columns are process CPU time
 *  (see BenchRow.oursCpuMs) and their ratio, a second, load-resistant view of the same comparison. */
export function formatTable(rows: BenchRow[]): string {
  const head = ['group', 'name', 'shape', 'ours ms', '±%', 'ours GF/s', 'TF.js ms', '±%', 'TF.js GF/s', 'ours/TF.js', 'cpu ms ours', 'cpu ms TF.js', 'cpu ratio', 'disp', 'subm'];
  const f = (v: number | null | undefined, d: number) => (v === null || v === undefined ? '—' : v.toFixed(d));
  const x = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);
  const body = rows.map((r) => [
    r.group, r.name, r.shape, f(r.oursMs, 1), f(r.oursSpreadPct, 0), f(r.oursGflops, 2),
    f(r.peerMs, 1), f(r.peerSpreadPct, 0), f(r.peerGflops, 2), x(r.ratio),
    f(r.oursCpuMs, 0), f(r.peerCpuMs, 0), x(r.oursCpuMs && r.peerCpuMs ? r.peerCpuMs / r.oursCpuMs : null),
    String(r.dispatches), String(r.submits),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 3 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}

export function printTable(rows: BenchRow[], title?: string): void {
  if (title) console.log(`\n${title}`);
  console.log(formatTable(rows));
}

export interface ResultMeta {
  adapter: string;
  /** e.g. 'swiftshader' or 'llvmpipe'. */
  backend: string;
  peer: string;
  [key: string]: unknown;
}

/** Writes bench/results/<name>.json; returns its path. */
export function writeResults(name: string, rows: BenchRow[], meta: ResultMeta): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const doc = { ...meta, date: new Date().toISOString(), node: process.version, rows };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

/** Flops of a (M, K) · (K, N) product, batched. */
export const matmulFlops = (M: number, N: number, K: number, batch = 1): number => 2 * M * N * K * batch;
