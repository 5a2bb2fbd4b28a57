// The benchmark for a lent GPU, ours only (TF.js is far behind there and not bundled):
//   npm run bench:gpu -- [--adapter default] [--quick] [--budget-s 300] [--out FILE] [--skip-sweep]
// 1. every matmul tile configuration checked against the CPU reference, then timed (TFLOP/s) on
//    GPT-2 training shapes (bench/gpu-matmul.ts), next to the older 64×64 'tiled' kernel;
// 2. the autotuner from scratch on those shapes: its picks, and how long tuning took;
// 3. training at the shapes of issue 12's table (2L d128 T64 B16, 6L d384 T256 B8 and B32, GPT-2
//    124M B8 T1024): tokens/s after autotuning, first step, dispatches, peak pool memory, and a
//    per-kernel timestamp profile of one GPT-2 step; then GPT-2 again with the older 'tiled' kernel
//    for every matmul, a same-run baseline.
// Prints as it goes and rewrites the JSON (default bench/results/gpu-<adapter>.json) after every
// row, so a run cut short by the time guard (--budget-s, then a hard exit) still leaves its data.
// --quick: tiny shapes and models, for checking the bundle end to end on a software adapter.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeGpu, type NodeAdapter } from '../src/gpu/node';
import { createGpuTimer } from '../src/gpu/timing';
import { presetConfig, type ModelConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import { tuneMatmuls, describeTuning } from '../src/kernels/matmul-tune';
import { forceMatmulKernel, kernelName, resetPlans } from '../src/kernels/matmul-plan';
import type { MatmulKernel } from '../src/kernels/matmul';
import { TUNE_CANDIDATES, tileName } from '../src/kernels/matmul-tile-config';
import { checkKernels, gpt2Shapes, sweep, sweepKernels, tuneFromScratch, type SweepResult } from './gpu-matmul';
import { flopsPerToken, randomBatches, runOurs } from './train-ours';
import type { SideResult } from './train-table';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface TrainCase {
  name: string; preset: string; overrides: Partial<ModelConfig>; B: number; T: number; warmup: number; steps: number; profile: boolean;
  /** Every matmul on this kernel instead of the autotuned ones (a same-run baseline). */
  kernel?: MatmulKernel;
}

function trainCases(quick: boolean): TrainCase[] {
  if (quick) return [
    { name: '2L d128 T16 B2', preset: 'tiny', overrides: {}, B: 2, T: 16, warmup: 0, steps: 2, profile: false },
    { name: 'GPT-2 124M B1 T8', preset: 'gpt2', overrides: {}, B: 1, T: 8, warmup: 0, steps: 1, profile: true },
    { name: '2L d128 T16 B2, old tiled matmul', preset: 'tiny', overrides: {}, B: 2, T: 16, warmup: 0, steps: 1, profile: false, kernel: 'tiled' },
  ];
  return [
    { name: '2L d128 T64 B16', preset: 'tiny', overrides: {}, B: 16, T: 64, warmup: 3, steps: 30, profile: false },
    { name: '6L d384 T256 B8', preset: 'small', overrides: {}, B: 8, T: 256, warmup: 3, steps: 20, profile: false },
    { name: '6L d384 T256 B32', preset: 'small', overrides: {}, B: 32, T: 256, warmup: 2, steps: 10, profile: false },
    { name: 'GPT-2 124M B8 T1024', preset: 'gpt2', overrides: {}, B: 8, T: 1024, warmup: 2, steps: 6, profile: true },
    // The same step with the kernel used before the tiled family (issue 12's 22.6k tokens/s).
    { name: 'GPT-2 124M B8 T1024, old tiled matmul', preset: 'gpt2', overrides: {}, B: 8, T: 1024, warmup: 1, steps: 3, profile: false, kernel: 'tiled' },
  ];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const quick = process.argv.includes('--quick');
  const budgetS = Number(arg('budget-s') ?? (quick ? 1200 : 300));
  const deadline = t0 + budgetS * 1000;
  const adapter = (arg('adapter') ?? (quick ? 'swiftshader' : 'default')) as NodeAdapter;
  const gpu = await createNodeGpu(adapter);
  const slug = (quick ? `quick-${adapter}` : gpu.info.vendor || adapter).replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
  const out = arg('out') ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `gpu-${slug}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const doc = {
    adapter: gpu.info.description, backend: adapter, isCpu: gpu.info.isCpu, features: gpu.info.features,
    limits: { maxComputeInvocationsPerWorkgroup: gpu.limits.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupStorageSize: gpu.limits.maxComputeWorkgroupStorageSize, maxStorageBufferBindingSize: gpu.limits.maxStorageBufferBindingSize },
    quick, budgetS, date: new Date().toISOString(), node: process.version, timer: '',
    check: [] as Awaited<ReturnType<typeof checkKernels>>, sweep: [] as SweepResult[],
    tune: null as null | { seconds: number; lines: string[]; results: unknown[] },
    train: [] as { name: string; preset: string; B: number; T: number; matmul: string; flopsPerStep: number; tflops: number; tuning: string[]; ours: SideResult }[],
    notes: [] as string[], totalSeconds: 0, finished: false,
  };
  const save = () => { doc.totalSeconds = (performance.now() - t0) / 1000; writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`); };
  // The hard guard: whatever happens, stop shortly after the budget with what has been written.
  setTimeout(() => { doc.notes.push(`stopped by the time guard after ${budgetS + 20} s`); save(); console.log('time guard: exiting'); process.exit(3); }, (budgetS + 20) * 1000).unref();
  const left = () => (deadline - performance.now()) / 1000;
  console.log(`adapter: ${gpu.info.description} (${adapter}); features ${gpu.info.features.join(',')}; budget ${budgetS} s; writing ${out}`);

  const timer = createGpuTimer(gpu);
  doc.timer = timer.method;
  // --quick (a software adapter, where one tile pipeline takes seconds to compile): three kernels.
  const kernels = quick ? sweepKernels(gpu).slice(0, 3) : sweepKernels(gpu);
  console.log(`\n1. matmul: checking ${kernels.length} kernels against the CPU reference`);
  doc.check = await checkKernels(gpu, kernels);
  for (const c of doc.check) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.kernel.padEnd(22)} ${c.detail}`);
  save();
  const good = kernels.filter((_, i) => doc.check[i].ok);
  const shapes = gpt2Shapes(quick);
  if (!process.argv.includes('--skip-sweep')) {
    console.log(`\n   timing (${timer.method}) at ${shapes.length} shapes; sweep share of the budget ends at ${(budgetS * 0.35).toFixed(0)} s`);
    let last = '';
    await sweep(gpu, timer, shapes, good, t0 + budgetS * 350, (r) => {
      if (r.shape !== last) { console.log(`  ${r.shape} (${r.form} ${r.M}×${r.N}×${r.K})`); last = r.shape; }
      console.log(`    ${r.kernel.padEnd(22)} ${r.ms.toFixed(3).padStart(9)} ms ${r.tflops.toFixed(2).padStart(7)} TFLOP/s`);
      doc.sweep.push(r);
      save();
    });
    for (const s of shapes) {
      const rows = doc.sweep.filter((r) => r.shape === s.name);
      if (rows.length === 0) continue;
      const best = rows.reduce((a, b) => (b.tflops > a.tflops ? b : a));
      const base = rows.find((r) => r.kernel === 'tiled');
      console.log(`  best ${s.name.padEnd(14)} ${best.kernel.padEnd(22)} ${best.tflops.toFixed(2)} TFLOP/s${base ? ` (tiled ${base.tflops.toFixed(2)})` : ''}`);
    }
  }
  timer.destroy();

  console.log('\n2. autotuner from scratch on the same shapes');
  // The tuner chooses only among tiles that passed the check on this device.
  const goodTiles = good.filter((k) => typeof k !== 'string');
  const candidates = quick ? goodTiles : TUNE_CANDIDATES.filter((t) => goodTiles.some((g) => tileName(g) === tileName(t)));
  const tune = await tuneFromScratch(gpu, shapes, candidates);
  doc.tune = { seconds: tune.seconds, lines: tune.lines, results: tune.results };
  for (const l of tune.lines) console.log(`  ${l}`);
  console.log(`  tuning took ${tune.seconds.toFixed(1)} s`);
  save();

  console.log('\n3. training (ours; matmuls autotuned after the first step)');
  resetPlans(gpu);
  for (const c of trainCases(quick)) {
    if (left() < (c.preset === 'gpt2' ? (c.kernel ? 30 : 60) : 15) && !quick) { doc.notes.push(`skipped ${c.name}: ${left().toFixed(0)} s left`); console.log(`  skipped ${c.name}: out of time`); continue; }
    const config = presetConfig(c.preset, c.overrides);
    const batches = randomBatches(4, c.B, c.T, config.vocabSize, 2);
    const tuning: string[] = [];
    forceMatmulKernel(gpu, c.kernel ?? null);
    const ours = await runOurs(gpu, {
      B: c.B, T: c.T, ours: { warmup: c.warmup, steps: c.steps }, profile: c.profile, config, weights: initParams(config, 1), batches,
      afterFirstStep: async () => { tuning.push(...(await tuneMatmuls(gpu, undefined, { candidates })).map(describeTuning)); },
    });
    forceMatmulKernel(gpu, null);
    const flopsPerStep = flopsPerToken(config, c.T) * c.B * c.T;
    const tflops = flopsPerStep / (ours.msPerStep * 1e9);
    doc.train.push({ name: c.name, preset: c.preset, B: c.B, T: c.T, matmul: c.kernel ? kernelName(c.kernel) : 'autotuned', flopsPerStep, tflops, tuning, ours });
    save();
    console.log(`  ${c.name}: ${(ours.tokensPerSec / 1000).toFixed(1)}k tokens/s, ${ours.msPerStep.toFixed(1)} ms/step (±${ours.spreadPct.toFixed(0)}%), ${tflops.toFixed(1)} TFLOP/s model, first step ${(ours.firstStepMs / 1000).toFixed(1)} s, ` +
      `${ours.dispatches} dispatches, peak ${(ours.peakBytes / 2 ** 30).toFixed(2)} GiB, losses ${ours.losses.map((l) => l.toFixed(3)).join(' ')}`);
    for (const l of tuning) console.log(`    tuned ${l}`);
    if (ours.profile) {
      const total = ours.profile.reduce((s, k) => s + k.ms, 0);
      console.log(`    profile of one step (${total.toFixed(1)} ms GPU time in ${ours.profile.reduce((s, k) => s + k.calls, 0)} dispatches):`);
      for (const k of ours.profile.slice(0, 16)) console.log(`      ${k.label.padEnd(30)} ${k.ms.toFixed(2).padStart(9)} ms ${k.pct.toFixed(1).padStart(5)}%  ×${k.calls}`);
    }
  }
  doc.finished = true;
  save();
  console.log(`\ndone in ${((performance.now() - t0) / 1000).toFixed(0)} s; wrote ${out}`);
  gpu.destroy();
  delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
