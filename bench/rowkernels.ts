// Micro-benchmark of the row kernels (layernorm, rmsnorm, softmax, cross-entropy) and the
// reductions (global gradient norm, mean loss) on the tiny and small model shapes, one adapter per
// run. Each case records `reps` calls into one step encoder; with 'timestamp-query' (SwiftShader)
// every dispatch is timed on the GPU, and the wall time of the whole submit is taken either way
// (the only clock on llvmpipe). Numbers are per call, medians over `rounds` submits.
// It does not compare with a peer library: it exists to compare kernel variants on one adapter.
//   node --import tsx --import ./scripts/register-raw.mjs bench/rowkernels.ts --adapter swiftshader
//   options: --reps N (default 8), --rounds N (default 3), --only SUBSTRING, --json PATH,
//            --variants (time every row geometry the device has, not just the one it picks)
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { createNodeGpu, type NodeAdapter } from '../src/gpu/node';
import type { Gpu } from '../src/gpu/gpu';
import type { StepEncoder } from '../src/gpu/step-encoder';
import { Rng } from '../src/util/rng';
import { presetConfig } from '../src/model/config';
import { paramSpecs, numel } from '../src/model/params';
import { layernormForward, layernormBackward } from '../src/kernels/layernorm';
import { rmsnormForward, rmsnormBackward } from '../src/kernels/rmsnorm';
import { softmaxForward, softmaxBackward } from '../src/kernels/softmax';
import { crossEntropyForward, crossEntropyBackward, meanLoss } from '../src/kernels/crossentropy';
import { globalNorm, rowVariants, type RowVariant, type PartialVariant } from '../src/kernels/reduce';
import { median } from './common';

interface Case {
  name: string;
  shape: string;
  /** Records one call. */
  record: (enc: StepEncoder) => void;
  buffers: GPUBuffer[];
}

interface Result { name: string; shape: string; gpuMs: number | null; wallMs: number; dispatches: number; byLabel: Record<string, number> }

const { values: opts } = parseArgs({
  options: {
    adapter: { type: 'string', default: 'swiftshader' },
    reps: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'string' },
    variants: { type: 'boolean', default: false },
  },
});

function uploads(gpu: Gpu, rng: Rng, sizes: number[]): GPUBuffer[] {
  return sizes.map((n) => gpu.upload(rng.normals(n)));
}

/** Row geometries to time: the device's choice (undefined), or each one with --variants. */
let geometries: (RowVariant | undefined)[] = [undefined];
const suffix = (v: string | undefined) => (v ? ` [${v}]` : '');

function rowNormCases(gpu: Gpu, rows: number, C: number): Case[] {
  const rng = new Rng(rows + C);
  const n = rows * C;
  const [x, w, b, y, mean, rstd, dy, dx, dw, db] = uploads(gpu, rng, [n, C, C, n, rows, rows, n, n, C, C]);
  const shape = `${rows}x${C}`;
  const buffers = [x, w, b, y, mean, rstd, dy, dx, dw, db];
  return geometries.flatMap((variant): Case[] => [
    { name: `layernorm fwd${suffix(variant)}`, shape, buffers, record: (enc) => layernormForward(gpu, enc, { x, weight: w, bias: b, y, mean, rstd, rows, C, variant }) },
    { name: `layernorm bwd${suffix(variant)}`, shape, buffers, record: (enc) => layernormBackward(gpu, enc, { dy, x, weight: w, mean, rstd, dx, dweight: dw, dbias: db, rows, C, variant }) },
    { name: `rmsnorm fwd${suffix(variant)}`, shape, buffers, record: (enc) => rmsnormForward(gpu, enc, { x, weight: w, y, rstd, rows, C, variant }) },
    { name: `rmsnorm bwd${suffix(variant)}`, shape, buffers, record: (enc) => rmsnormBackward(gpu, enc, { dy, x, weight: w, rstd, dx, dweight: dw, rows, C, variant }) },
    { name: `softmax fwd${suffix(variant)}`, shape, buffers, record: (enc) => softmaxForward(gpu, enc, { x, y, rows, cols: C, variant }) },
    { name: `softmax bwd${suffix(variant)}`, shape, buffers, record: (enc) => softmaxBackward(gpu, enc, { y, dy, dx, rows, cols: C, variant }) },
  ]);
}

function ceCases(gpu: Gpu, N: number, V: number): Case[] {
  const rng = new Rng(N * V);
  const [logits, losses, lse, rowGrad, dlogits, out] = uploads(gpu, rng, [N * V, N, N, N, N * V, 1]);
  const targets = gpu.upload(Int32Array.from({ length: N }, (_, i) => (i % 7 === 3 ? -1 : (i * 31) % V)));
  const shape = `${N}x${V}`;
  const buffers = [logits, losses, lse, rowGrad, dlogits, out, targets];
  return [
    ...geometries.flatMap((variant): Case[] => [
      { name: `crossentropy fwd${suffix(variant)}`, shape, buffers, record: (enc) => crossEntropyForward(gpu, enc, { logits, targets, losses, lse, N, V, variant }) },
      { name: `crossentropy bwd${suffix(variant)}`, shape, buffers, record: (enc) => crossEntropyBackward(gpu, enc, { logits, targets, lse, rowGrad, dlogits, N, V, variant }) },
    ]),
    { name: 'meanLoss+rowGrad', shape, buffers, record: (enc) => meanLoss(gpu, enc, { losses, targets, out, N, V, rowGrad }) },
  ];
}

/** The global gradient norm over every parameter gradient of a preset, one buffer each (as AdamW). */
function gradNormCases(gpu: Gpu, preset: 'tiny' | 'small', vocabSize: number): Case[] {
  const specs = paramSpecs(presetConfig(preset, { vocabSize }));
  const rng = new Rng(specs.length);
  const sizes = specs.map((s) => numel(s.shape));
  const grads = uploads(gpu, rng, sizes);
  const out = gpu.upload(new Float32Array(1));
  const ranges = grads.map((x, i) => ({ x, n: sizes[i] }));
  const partials: (PartialVariant | undefined)[] = geometries[0] ? ['thread', 'tree'] : [undefined];
  return partials.map((variant) => ({
    name: `globalNorm${suffix(variant)}`, shape: `${preset}: ${specs.length} tensors, ${sizes.reduce((a, b) => a + b, 0)}`,
    buffers: [...grads, out], record: (enc) => globalNorm(gpu, enc, { ranges, out, variant }),
  }));
}

async function time(gpu: Gpu, c: Case, reps: number, rounds: number): Promise<Result> {
  const profiled = gpu.profiler !== null;
  const once = async (profile: boolean) => {
    const enc = gpu.encoder(c.name);
    for (let r = 0; r < reps; r++) c.record(enc);
    const dispatchesBefore = gpu.stats.dispatches;
    const t0 = performance.now();
    enc.submit();
    await gpu.sync();
    const wall = performance.now() - t0;
    const times = profile && gpu.profiler ? await gpu.profiler.read() : [];
    return { wall, times, dispatches: (gpu.stats.dispatches - dispatchesBefore) / reps };
  };
  // Warm-up (pipeline compilation), unprofiled.
  const saved = gpu.profiler;
  gpu.profiler = null;
  await once(false);
  const walls: number[] = [];
  let dispatches = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await once(false);
    walls.push(r.wall / reps);
    dispatches = r.dispatches;
  }
  gpu.profiler = saved;
  let gpuMs: number | null = null;
  const byLabel: Record<string, number> = {};
  if (profiled) {
    const perRound: number[] = [];
    const labelRounds: Record<string, number[]> = {};
    for (let i = 0; i < rounds; i++) {
      const { times } = await once(true);
      perRound.push(times.reduce((s, t) => s + t.ms, 0) / reps);
      const sums: Record<string, number> = {};
      for (const t of times) sums[t.label] = (sums[t.label] ?? 0) + t.ms / reps;
      for (const [k, v] of Object.entries(sums)) (labelRounds[k] ??= []).push(v);
    }
    gpuMs = median(perRound);
    for (const [k, v] of Object.entries(labelRounds)) byLabel[k] = median(v);
  }
  return { name: c.name, shape: c.shape, gpuMs, wallMs: median(walls), dispatches, byLabel };
}

async function main(): Promise<void> {
  const adapter = opts.adapter as NodeAdapter;
  const reps = Number(opts.reps);
  const rounds = Number(opts.rounds);
  const gpu = await createNodeGpu(adapter);
  const profiling = gpu.enableProfiling(true);
  if (opts.variants) geometries = rowVariants(gpu);
  console.log(`adapter ${adapter}: ${gpu.info.description}; subgroups ${gpu.hasFeature('subgroups')}; timestamps ${profiling}; ${reps} calls per submit, median of ${rounds}`);
  const builders: (() => Case[])[] = [
    () => rowNormCases(gpu, 256, 128),
    () => rowNormCases(gpu, 2048, 384),
    () => ceCases(gpu, 256, 80),
    () => ceCases(gpu, 2048, 65),
    () => ceCases(gpu, 256, 50257),
    () => gradNormCases(gpu, 'tiny', 80),
    () => gradNormCases(gpu, 'small', 65),
  ];
  const results: Result[] = [];
  console.log(`${'kernel'.padEnd(29)} ${'shape'.padEnd(26)} ${'gpu ms'.padStart(9)} ${'wall ms'.padStart(9)} disp  per label (gpu ms)`);
  for (const build of builders) {
    const cases = build();
    for (const c of cases) {
      if (opts.only && !`${c.name} ${c.shape}`.includes(opts.only)) continue;
      const r = await time(gpu, c, reps, rounds);
      results.push(r);
      const labels = Object.entries(r.byLabel).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
      console.log(`${r.name.padEnd(29)} ${r.shape.padEnd(26)} ${(r.gpuMs?.toFixed(3) ?? '-').padStart(9)} ${r.wallMs.toFixed(3).padStart(9)} ${String(r.dispatches).padStart(4)}  ${labels}`);
    }
    gpu.release(...new Set(cases.flatMap((c) => c.buffers)));
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ adapter, description: gpu.info.description, reps, rounds, results }, null, 1));
  gpu.destroy();
  delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
}

await main();
