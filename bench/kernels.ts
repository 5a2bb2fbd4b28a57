// Kernel benchmarks, ours vs TF.js, in one Node process on one adapter:
//   node --import tsx --import ./scripts/register-raw.mjs bench/kernels.ts [--adapter llvmpipe] [--quick] [--only matmul|attention]
// Prints a table and writes bench/results/kernels.json (kernels-<adapter>.json for a non-default adapter).
import { createNodeGpu, type NodeAdapter } from '../src/gpu/node';
import { printTable, writeResults, type BenchRow } from './common';
import { benchAttention } from './attention';
import { benchMatmul } from './matmul';
import { initTfjs } from './tfjs';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const adapter = (arg('adapter') ?? 'swiftshader') as NodeAdapter;
  const quick = process.argv.includes('--quick');
  const only = arg('only');
  const gpu = await createNodeGpu(adapter);
  const peer = await initTfjs(gpu);
  console.log(`adapter: ${gpu.info.description} (${adapter}); TF.js on ${peer.adapter}${quick ? '; quick' : ''}`);
  const t0 = performance.now();
  const rows: BenchRow[] = [];
  if (!only || only === 'matmul') {
    console.log('matmul:');
    rows.push(...(await benchMatmul(gpu, quick)));
  }
  if (!only || only === 'attention') {
    console.log('attention:');
    rows.push(...(await benchAttention(gpu, quick)));
  }
  printTable(rows, `ours vs TF.js ${peer.tf.version_core} on ${gpu.info.description}`);
  const name = adapter === 'swiftshader' ? 'kernels' : `kernels-${adapter}`;
  const path = writeResults(name, rows, {
    adapter: gpu.info.description, backend: adapter, peer: `tfjs-backend-webgpu ${peer.tf.version_core}`,
    quick, totalSeconds: (performance.now() - t0) / 1000,
  });
  console.log(`wrote ${path}`);
  gpu.destroy();
  delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
