// Our side of the training benchmarks (bench/train.ts against TF.js, bench/gpu.ts on a lent GPU):
// random token batches, the FLOPs of a step, one timed training run of our GPT with its first
// step, dispatch counts and peak pool memory, and a per-kernel timestamp profile of one more step.
// It imports no peer (no TF.js), so it can be bundled for a machine without node_modules.
import type { Gpu } from '../src/gpu/gpu';
import type { ModelConfig } from '../src/model/config';
import { paramSpecs, numel } from '../src/model/params';
import { Gpt } from '../src/model/gpt';
import { LmTrainer } from '../src/train/lm-trainer';
import { DEFAULT_ADAMW } from '../src/train/optimizer';
import { Rng } from '../src/util/rng';
import type { Batch } from '../src/data/batcher';
import { Profiler, summarize as summarizeKernels } from '../src/gpu/profiler';
import { measure, type Timing } from './common';
import type { KernelShare, SideResult } from './train-table';

export const LR = 1e-3;

export interface Steps { warmup: number; steps: number }

/** Uniform random next-token batches (the content does not change the work per step). */
export function randomBatches(n: number, B: number, T: number, V: number, seed: number): Batch[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const stream = Int32Array.from({ length: B * (T + 1) }, () => rng.int(V));
    const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      inputs.set(stream.subarray(b * (T + 1), b * (T + 1) + T), b * T);
      targets.set(stream.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
    }
    return { inputs, targets };
  });
}

/** Model FLOPs per trained token (nanoGPT's estimate): 6 per matmul weight (wpe excluded, the tied
 *  head included via wte) plus 12·L·C·T for attention scores and values, forward and backward. */
export function flopsPerToken(c: ModelConfig, T: number): number {
  const n = paramSpecs(c).filter((p) => p.name !== 'wpe').reduce((s, p) => s + numel(p.shape), 0);
  return 6 * n + 12 * c.nLayer * c.dModel * T;
}

export interface OursPlan {
  B: number;
  T: number;
  ours: Steps;
  profile: boolean;
  config: ModelConfig;
  weights: Record<string, Float32Array>;
  batches: Batch[];
  /** Called once after the first step (e.g. to autotune the matmuls that step used). */
  afterFirstStep?: () => Promise<void>;
}

export const timed = (t: Timing, B: number, T: number) => ({
  msPerStep: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, spreadPct: (100 * (t.maxMs - t.minMs)) / t.medianMs,
  tokensPerSec: (B * T * 1000) / t.medianMs, cpuMsPerStep: t.cpuMs, samples: t.samples,
});

export async function runOurs(gpu: Gpu, p: OursPlan): Promise<SideResult> {
  gpu.pool.trim();
  const base = gpu.pool.allocatedBytes;
  gpu.pool.peakBytes = base;
  const compiled0 = gpu.pipelines.compiled;
  const t0 = performance.now();
  const model = new Gpt(gpu, p.config, p.weights);
  const trainer = new LmTrainer(gpu, model, p.B, p.T, 1, DEFAULT_ADAMW, p.batches.length + 1);
  let i = 0;
  const step = async () => { await trainer.step([p.batches[i++ % p.batches.length]], LR); await gpu.sync(); };
  await step();
  const firstStepMs = performance.now() - t0;
  if (p.afterFirstStep) {
    // Tuning's scratch buffers are not the model's memory: free them and keep the first step's peak.
    const peakFirst = gpu.pool.peakBytes;
    await p.afterFirstStep();
    gpu.trim();
    gpu.pool.peakBytes = Math.max(peakFirst, gpu.pool.allocatedBytes);
  }
  const pipelines = gpu.pipelines.compiled - compiled0;
  let dispatches = 0, submits = 0, readbacks = 0;
  const t = await measure(async () => {
    const s0 = { ...gpu.stats };
    await step();
    dispatches = gpu.stats.dispatches - s0.dispatches;
    submits = gpu.stats.submits - s0.submits;
    readbacks = gpu.stats.readbacks - s0.readbacks;
  }, { warmup: p.ours.warmup, iters: p.ours.steps, minIters: p.ours.steps, budgetMs: 0 });
  const losses = (await trainer.flush()).map((r) => r.loss);
  const peakBytes = gpu.pool.peakBytes - base;
  const profile = p.profile ? await profileStep(gpu, () => step()) : undefined;
  trainer.destroy();
  model.destroy();
  gpu.pool.trim();
  return { ...timed(t, p.B, p.T), warmup: p.ours.warmup, firstStepMs, pipelines, dispatches, submits, readbacks, peakBytes, losses, profile };
}

/** GPU time per kernel label over one more step, from timestamp queries (one pass per dispatch, so
 *  the total exceeds a normal step's); null where the adapter has no 'timestamp-query'. Room for
 *  2048 dispatches (a GPT-2 step has about 700). */
export async function profileStep(gpu: Gpu, step: () => Promise<void>): Promise<KernelShare[] | null> {
  if (!gpu.hasFeature('timestamp-query')) return null;
  const saved = gpu.profiler;
  const profiler = new Profiler(gpu.device, 2048);
  gpu.profiler = profiler;
  try {
    await step();
  } finally {
    gpu.profiler = saved;
  }
  const times = await profiler.read();
  profiler.destroy();
  const total = times.reduce((s, k) => s + k.ms, 0);
  return [...summarizeKernels(times)].map(([label, { ms, calls }]) => ({ label, ms, calls, pct: (100 * ms) / total }))
    .sort((a, b) => b.ms - a.ms);
}
