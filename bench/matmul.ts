// Our matmul vs TF.js tf.matMul on the products of one training step of a 6-layer, d=384, T=256
// model at B=8 (B·T = 2048 rows), plus square 512 and 1024. Each row runs the same product on both
// sides (same transposes), inputs already on the GPU, timed to queue completion.
import type { Gpu } from '../src/gpu/gpu';
import { matmul, type MatmulKernel } from '../src/kernels/matmul';
import { kernelName, planMatmul } from '../src/kernels/matmul-plan';
import { DEFAULT_TILE } from '../src/kernels/matmul-tile-config';
import { Rng } from '../src/util/rng';
import { gpuRun, makeRow, matmulFlops, measureAll, type BenchRow, type TimingOpts } from './common';
import { initTfjs, tfjsRun } from './tfjs';

export interface MatmulCase {
  name: string;
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

const ROWS = 2048, D = 384, VOCAB = 65;

/** Linear layers run y = x·wᵀ (transB); their backward dx = dy·w and dw = dyᵀ·x (transA). */
function linearCases(name: string, inF: number, outF: number, backward: boolean): MatmulCase[] {
  const fwd: MatmulCase = { name: `${name} fwd`, M: ROWS, N: outF, K: inF, transB: true };
  if (!backward) return [fwd];
  return [fwd, { name: `${name} dX`, M: ROWS, N: inF, K: outF }, { name: `${name} dW`, M: outF, N: inF, K: ROWS, transA: true }];
}

export function matmulCases(quick: boolean): MatmulCase[] {
  const square = (n: number): MatmulCase => ({ name: `square ${n}`, M: n, N: n, K: n });
  if (quick) return [...linearCases('qkv', D, 3 * D, true), ...linearCases('vocab', D, VOCAB, false), square(512)];
  return [
    ...linearCases('qkv', D, 3 * D, true),
    ...linearCases('attn proj', D, D, false),
    ...linearCases('fc', D, 4 * D, true),
    ...linearCases('mlp proj', 4 * D, D, false),
    ...linearCases('vocab', D, VOCAB, true),
    square(512),
    square(1024),
  ];
}

const describeShape = (c: MatmulCase) =>
  `${c.transA ? `(${c.K}x${c.M})ᵀ` : `${c.M}x${c.K}`} · ${c.transB ? `(${c.N}x${c.K})ᵀ` : `${c.K}x${c.N}`}`;

/** Runs every case on our default kernel and on TF.js; with `alternative`, also times the kernel
 *  matmul does not pick on this adapter (group 'matmul-alt', same TF.js time as its peer). */
export async function benchMatmul(gpu: Gpu, quick: boolean, alternative = true, timing: TimingOpts = {}): Promise<BenchRow[]> {
  const peer = await initTfjs(gpu);
  const { tf } = peer;
  const rows: BenchRow[] = [];
  const alt: BenchRow[] = [];
  const rng = new Rng(1);
  for (const c of matmulCases(quick)) {
    const { M, N, K, transA = false, transB = false } = c;
    const a = rng.floats(M * K), b = rng.floats(K * N);
    const [A, B, C] = [a, b, new Float32Array(M * N)].map((x) => gpu.upload(x));
    const ta = tf.tensor2d(a, transA ? [K, M] : [M, K]);
    const tb = tf.tensor2d(b, transB ? [N, K] : [K, N]);
    const main = planMatmul(gpu, { M, N, K, batch: 1, transA, transB });
    const other: MatmulKernel = main === 'regs' ? DEFAULT_TILE : 'regs';
    const variants = alternative ? [main, other] : [main];
    const runs = variants.map((kernel) => gpuRun(gpu, (enc) => matmul(gpu, enc, { a: A, b: B, c: C, M, N, K, transA, transB, kernel })));
    const times = await measureAll([...runs.map((r) => r.run), tfjsRun(peer, () => tf.matMul(ta, tb, transA, transB))], timing);
    gpu.release(A, B, C);
    ta.dispose(); tb.dispose();
    const theirs = times[times.length - 1];
    const ours = { ...times[0], ...runs[0].counts };
    const second = alternative ? { ...times[1], ...runs[1].counts } : null;
    const row = makeRow('matmul', `${c.name}`, describeShape(c), matmulFlops(M, N, K), ours, theirs);
    rows.push(row);
    let line = `  ${c.name.padEnd(14)} ${kernelName(main)} ${row.oursMs.toFixed(1)} ms, TF.js ${theirs.medianMs.toFixed(1)} ms (${row.ratio!.toFixed(2)}×)`;
    if (second) {
      const r = makeRow('matmul-alt', `${c.name} (${kernelName(other)})`, describeShape(c), matmulFlops(M, N, K), second, theirs);
      alt.push(r);
      line += `; ${kernelName(other)} ${r.oursMs.toFixed(1)} ms (${r.ratio!.toFixed(2)}×)`;
    }
    console.log(line);
  }
  return [...rows, ...alt];
}
