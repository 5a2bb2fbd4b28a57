// Training benchmark, ours vs TF.js, in one Node process on one adapter:
//   npm run bench:train -- [--adapter llvmpipe] [--presets tiny,small] [--tiny 4x64] [--small 1x64]
//                          [--steps N] [--warmup N] [--tf-steps N] [--tf-warmup N] [--profile]
//                          [--vocab V] [--no-tfjs]
// For each preset, both sides train the same GPT from the same initial weights on the same random
// token batches (AdamW, weight decay on 2-D weights, global-norm clipping): a first step (pipeline
// compilation included, timed on its own, and the warm-up that matters), extra warm-up steps, then
// timed steps, each awaited until the GPU has finished it. Prints a table and writes
// bench/results/train.json (train-<adapter>.json for a non-default adapter).
// Software adapters run at a few GFLOP/s and a TF.js `small` step takes minutes here, so batches are
// small, `small` runs at a shortened T, and TF.js gets fewer timed steps than ours.
// --profile adds one untimed step of ours with per-kernel GPU timestamps (SwiftShader only).
// --vocab V overrides every preset's vocabulary (e.g. 50257: GPT-2's LM head on a small model);
// --no-tfjs runs ours only (no table, no results file): dispatches per step and peak pool memory.
import { createNodeGpu, type NodeAdapter } from '../src/gpu/node';
import type { Gpu } from '../src/gpu/gpu';
import { presetConfig, type ModelConfig } from '../src/model/config';
import { initParams, paramSpecs } from '../src/model/params';
import { DEFAULT_ADAMW } from '../src/train/optimizer';
import type { Batch } from '../src/data/batcher';
import { measure, writeResults, type BenchRow } from './common';
import { initTfjs, type TfPeer } from './tfjs';
import { TfGptTrainer, loadOracle } from './tf-gpt-train';
import { TfBackendStats } from './tf-backend-stats';
import { formatTrainTable, summarize, type TrainRow, type SideResult } from './train-table';
import { LR, flopsPerToken, randomBatches, runOurs, timed, type Steps } from './train-ours';

interface PresetPlan { B: number; T: number; ours: Steps; tfjs: Steps }
/** Defaults sized for a busy 2-core machine on SwiftShader (about 10 minutes in all). The first step,
 *  which compiles every pipeline and allocates every buffer, is the warm-up. */
const DEFAULTS: Record<string, PresetPlan> = {
  tiny: { B: 4, T: 64, ours: { warmup: 0, steps: 5 }, tfjs: { warmup: 0, steps: 2 } },
  small: { B: 1, T: 64, ours: { warmup: 0, steps: 3 }, tfjs: { warmup: 0, steps: 2 } },
};
const FALLBACK: PresetPlan = DEFAULTS.small;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intArg(name: string, fallback: number): number {
  const s = arg(name);
  if (s === undefined) return fallback;
  if (!/^\d+$/.test(s)) throw new Error(`--${name} takes a whole number, got ${s}`);
  return Number(s);
}

/** The preset's defaults with command-line overrides. */
function presetPlan(preset: string): PresetPlan {
  const d = DEFAULTS[preset] ?? FALLBACK;
  let { B, T } = d;
  const s = arg(preset);
  if (s) {
    const m = /^(\d+)x(\d+)$/.exec(s);
    if (!m) throw new Error(`--${preset} takes BxT, e.g. 2x64; got ${s}`);
    [B, T] = [Number(m[1]), Number(m[2])];
  }
  return {
    B, T,
    ours: { warmup: intArg('warmup', d.ours.warmup), steps: Math.max(1, intArg('steps', d.ours.steps)) },
    tfjs: { warmup: intArg('tf-warmup', d.tfjs.warmup), steps: Math.max(1, intArg('tf-steps', d.tfjs.steps)) },
  };
}

interface Plan extends PresetPlan { profile: boolean; preset: string; config: ModelConfig; weights: Record<string, Float32Array>; batches: Batch[] }

async function runTfjs(peer: TfPeer, stats: TfBackendStats, p: Plan): Promise<SideResult> {
  const { tf } = peer;
  stats.trimFree();
  const base = stats.allocatedBytes;
  const c0 = stats.counts();
  const shapes = new Map(paramSpecs(p.config).map((s) => [s.name, s.shape]));
  const t0 = performance.now();
  const trainer = await TfGptTrainer.create(peer, p.config, p.weights, shapes, p.B, p.T, DEFAULT_ADAMW);
  let i = 0;
  const losses: number[] = [];
  const step = async () => { losses.push(await trainer.step(p.batches[i++], LR)); };
  await step();
  const firstStepMs = performance.now() - t0;
  const pipelines = stats.counts().pipelines - c0.pipelines;
  const tensors0 = tf.memory().numTensors;
  let dispatches = 0, submits = 0;
  const t = await measure(async () => {
    const s0 = stats.counts();
    await step();
    const s1 = stats.counts();
    dispatches = s1.dispatches - s0.dispatches;
    submits = s1.submits - s0.submits;
  }, { warmup: p.tfjs.warmup, iters: p.tfjs.steps, minIters: p.tfjs.steps, budgetMs: 0 });
  const leaked = tf.memory().numTensors - tensors0;
  if (leaked !== 0) console.warn(`  TF.js: ${leaked} tensors more after the timed steps than before (a leak in the bench).`);
  const peakBytes = stats.allocatedBytes - base;
  trainer.dispose();
  stats.trimFree();
  // Each TF.js step ends with one loss readback (data()), which is how the step is awaited.
  return { ...timed(t, p.B, p.T), warmup: p.tfjs.warmup, firstStepMs, pipelines, dispatches, submits, readbacks: 1, peakBytes, losses };
}

function toRow(p: Plan, ours: SideResult, tfjs: SideResult): TrainRow {
  const flops = flopsPerToken(p.config, p.T) * p.B * p.T;
  const spread = (s: SideResult) => s.spreadPct;
  const bench: BenchRow = {
    group: 'train', name: p.preset, shape: `B=${p.B} T=${p.T}`, flops,
    oursMs: ours.msPerStep, peerMs: tfjs.msPerStep,
    oursGflops: flops / (ours.msPerStep * 1e6), peerGflops: flops / (tfjs.msPerStep * 1e6),
    ratio: tfjs.msPerStep / ours.msPerStep, dispatches: ours.dispatches, submits: ours.submits,
    oursSpreadPct: spread(ours), peerSpreadPct: spread(tfjs), iters: p.ours.steps, oursCpuMs: ours.cpuMsPerStep, peerCpuMs: tfjs.cpuMsPerStep,
  };
  const common = Math.min(ours.losses.length, tfjs.losses.length);
  let lossMaxDiff = 0;
  for (let k = 0; k < common; k++) lossMaxDiff = Math.max(lossMaxDiff, Math.abs(ours.losses[k] - tfjs.losses[k]));
  return { ...bench, preset: p.preset, B: p.B, T: p.T, config: p.config, lossMaxDiff, ours, tfjs };
}

function printOurs(ours: SideResult): void {
  console.log(`  ours:  ${ours.msPerStep.toFixed(0)} ms/step, first step ${ours.firstStepMs.toFixed(0)} ms, losses ${ours.losses.map((l) => l.toFixed(4)).join(' ')}`);
  console.log(`         ${ours.dispatches} dispatches/step, peak pool ${(ours.peakBytes / 2 ** 20).toFixed(1)} MiB`);
  if (ours.profile === null) console.log('  (no per-kernel profile: this adapter has no timestamp-query)');
  for (const k of ours.profile?.slice(0, 12) ?? []) console.log(`    ${k.label.padEnd(28)} ${k.ms.toFixed(1).padStart(9)} ms ${k.pct.toFixed(1).padStart(5)}%  ×${k.calls}`);
}

/** --no-tfjs: ours only, one summary per preset. */
async function oursOnly(gpu: Gpu, presets: string[], profile: boolean, vocab: number | undefined): Promise<void> {
  console.log(`ours:  ${gpu.info.description}`);
  for (const preset of presets) {
    const config = presetConfig(preset, vocab ? { vocabSize: vocab } : {});
    const pp = presetPlan(preset);
    const plan: Plan = { ...pp, profile, preset, config, weights: initParams(config, 1), batches: randomBatches(1 + pp.ours.warmup + pp.ours.steps, pp.B, pp.T, config.vocabSize, 2) };
    console.log(`\n${preset}: ${config.nLayer} layers, d=${config.dModel}, V=${config.vocabSize}, B=${pp.B}, T=${pp.T}`);
    printOurs(await runOurs(gpu, plan));
  }
  gpu.destroy();
  delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
}

async function main(): Promise<void> {
  const adapter = (arg('adapter') ?? 'swiftshader') as NodeAdapter;
  const presets = (arg('presets') ?? 'tiny,small').split(',');
  const profile = process.argv.includes('--profile');
  const vocab = arg('vocab') === undefined ? undefined : intArg('vocab', 0);
  const withTfjs = !process.argv.includes('--no-tfjs');
  const gpu = await createNodeGpu(adapter);
  if (!withTfjs) { await oursOnly(gpu, presets, profile, vocab); return; }
  const peer = await initTfjs(gpu);
  const stats = new TfBackendStats(peer);
  await loadOracle(); // module loading is not part of anyone's first step
  console.log(`ours:  ${gpu.info.description} (${adapter}, ${gpu.info.featureLevel})`);
  console.log(`TF.js: ${stats.adapter} (tfjs-backend-webgpu ${peer.tf.version_core})`);
  if (stats.adapter !== gpu.info.description) console.warn('WARNING: TF.js is not on the same adapter as ours; the comparison is not like for like.');
  const t0 = performance.now();
  const rows: TrainRow[] = [];
  for (const preset of presets) {
    const config = presetConfig(preset, vocab ? { vocabSize: vocab } : {});
    const pp = presetPlan(preset);
    const n = 1 + Math.max(pp.ours.warmup + pp.ours.steps, pp.tfjs.warmup + pp.tfjs.steps);
    const plan: Plan = { ...pp, profile, preset, config, weights: initParams(config, 1), batches: randomBatches(n, pp.B, pp.T, config.vocabSize, 2) };
    const note = pp.T < config.contextLength ? ` (context ${config.contextLength}, T shortened for a software adapter)` : '';
    const describe = (s: Steps) => `1 first + ${s.warmup} warm-up + ${s.steps} timed steps`;
    console.log(`\n${preset}: ${config.nLayer} layers, d=${config.dModel}, B=${pp.B}, T=${pp.T}${note}; ours ${describe(pp.ours)}, TF.js ${describe(pp.tfjs)}`);
    const ours = await runOurs(gpu, plan);
    printOurs(ours);
    const tfjs = await runTfjs(peer, stats, plan);
    console.log(`  TF.js: ${tfjs.msPerStep.toFixed(0)} ms/step, first step ${tfjs.firstStepMs.toFixed(0)} ms, losses ${tfjs.losses.map((l) => l.toFixed(4)).join(' ')}`);
    rows.push(toRow(plan, ours, tfjs));
  }
  console.log(`\nTraining step, ours vs TF.js ${peer.tf.version_core} on ${gpu.info.description}`);
  console.log(formatTrainTable(rows));
  for (const line of summarize(rows)) console.log(line);
  const name = adapter === 'swiftshader' ? 'train' : `train-${adapter}`;
  const path = writeResults(name, rows, {
    adapter: gpu.info.description, tfjsAdapter: stats.adapter, backend: adapter, peer: `tfjs-backend-webgpu ${peer.tf.version_core}`,
    lr: LR, hyper: DEFAULT_ADAMW, totalSeconds: (performance.now() - t0) / 1000,
  });
  console.log(`wrote ${path}`);
  gpu.destroy();
  delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
