import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot, sampleIndices } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import type { Gpu } from '../../src/gpu/gpu';
import { lmHeadForward, lmHeadBackward, lmHeadOnePass, lmHeadPlan, lmHeadRowPlan, planBlocks, singleBlock, scratchBytes, type LmHeadPlan } from '../../src/kernels/lmhead';
import { lmHeadRef } from '../../src/kernels/lmhead.ref';
import { linearForward, linearBackward } from '../../src/kernels/matmul';
import { crossEntropyForward, crossEntropyBackward } from '../../src/kernels/crossentropy';
import { rowVariants, type RowVariant } from '../../src/kernels/reduce';

// hidden ~ U(−1, 1), W ~ N(0, 0.3): logits of std ≈ 0.3·√(C/3) ≈ 0.8–1.1, lse ≈ log V + small.
// Losses: lse is a sum of V exps (blocked, as crossentropy_forward) plus the logit's own K-term
// dot product (≈ √C·2⁻²⁴·|terms|): measured max |Δ| vs float64 ≤ 1e-6; atol 4e-6.
const LOSS_TOL = { atol: 4e-6, rtol: 0 };
// dHidden sums V terms rowGrad·p·W (p ≤ 1, |W| ≲ 1) and dW sums `rows` terms rowGrad·p·hidden:
// measured max |Δ| ≤ 3e-7 on both adapters; atol 2e-6 (an indexing or chunk-offset bug is ≥ 1e-3).
const GRAD_TOL = { atol: 2e-6, rtol: 1e-5 };

function problem(rows: number, C: number, V: number, seed: number) {
  const rng = new Rng(seed);
  const hidden = rng.floats(rows * C), w = rng.normals(V * C, 0.3);
  const targets = new Int32Array(rows);
  for (let r = 0; r < rows; r++) targets[r] = r % 5 === 2 ? -1 : rng.int(V);
  targets[rows - 1] = V - 1; // the last vocabulary column sits in the last, partial chunk
  const rowGrad = rng.floats(rows, 0.1, 2);
  // Gradients accumulate: start from non-zero values.
  const dHidden0 = rng.floats(rows * C), dW0 = rng.floats(V * C);
  return { hidden, w, targets, rowGrad, dHidden0, dW0 };
}

type Problem = ReturnType<typeof problem>;

/** Runs the fused head on the GPU; returns losses, lse, dHidden, dW. */
async function fused(gpu: Gpu, pr: Problem, rows: number, C: number, plan: LmHeadPlan, variant?: RowVariant, keep = false) {
  const H = gpu.upload(pr.hidden), W = gpu.upload(pr.w), TGT = gpu.upload(pr.targets), RG = gpu.upload(pr.rowGrad);
  const DH = gpu.upload(pr.dHidden0), DW = gpu.upload(pr.dW0);
  const LOSS = gpu.buffer(4 * rows), LSE = gpu.buffer(4 * rows), SUM = gpu.buffer(4 * rows), S = gpu.buffer(scratchBytes(plan));
  await gpu.scoped('lmhead', () => {
    const enc = gpu.encoder('lmhead-test');
    enc.clear(LOSS).clear(LSE).clear(S);
    const common = { hidden: H, w: W, targets: TGT, lse: LSE, scratch: S, C, plan, variant };
    lmHeadForward(gpu, enc, { ...common, losses: LOSS, runSum: SUM });
    lmHeadBackward(gpu, enc, { ...common, rowGrad: RG, dHidden: DH, dW: DW, logitsKept: keep });
    enc.submit();
  });
  const V = plan.V;
  const out = { losses: await gpu.readF32(LOSS, rows), lse: await gpu.readF32(LSE, rows), dHidden: await gpu.readF32(DH, rows * C), dW: await gpu.readF32(DW, V * C) };
  gpu.release(H, W, TGT, RG, DH, DW, LOSS, LSE, SUM, S);
  return out;
}

/** The one-pass fused head (rowGrad known up front) on the GPU. */
async function onePass(gpu: Gpu, pr: Problem, rows: number, C: number, plan: LmHeadPlan, variant?: RowVariant) {
  const H = gpu.upload(pr.hidden), W = gpu.upload(pr.w), TGT = gpu.upload(pr.targets), RG = gpu.upload(pr.rowGrad);
  const DH = gpu.upload(pr.dHidden0), DW = gpu.upload(pr.dW0);
  const LOSS = gpu.buffer(4 * rows), LSE = gpu.buffer(4 * rows), S = gpu.buffer(scratchBytes(plan));
  await gpu.scoped('lmhead-one-pass', () => {
    const enc = gpu.encoder('lmhead-one-pass');
    enc.clear(LOSS).clear(LSE);
    lmHeadOnePass(gpu, enc, { hidden: H, w: W, targets: TGT, lse: LSE, scratch: S, C, plan, variant, losses: LOSS, rowGrad: RG, dHidden: DH, dW: DW });
    enc.submit();
  });
  const out = { losses: await gpu.readF32(LOSS, rows), lse: await gpu.readF32(LSE, rows), dHidden: await gpu.readF32(DH, rows * C), dW: await gpu.readF32(DW, plan.V * C) };
  gpu.release(H, W, TGT, RG, DH, DW, LOSS, LSE, S);
  return out;
}

/** The unfused path (full logits, crossentropy kernels) on the same inputs. */
async function unfused(gpu: Gpu, pr: Problem, rows: number, C: number, V: number) {
  const H = gpu.upload(pr.hidden), W = gpu.upload(pr.w), TGT = gpu.upload(pr.targets), RG = gpu.upload(pr.rowGrad);
  const DH = gpu.upload(pr.dHidden0), DW = gpu.upload(pr.dW0), TMP = gpu.buffer(4 * rows * C);
  const LOG = gpu.buffer(4 * rows * V), LOSS = gpu.buffer(4 * rows), LSE = gpu.buffer(4 * rows);
  const enc = gpu.encoder('lmhead-unfused');
  linearForward(gpu, enc, { x: H, w: W, b: null, y: LOG, M: rows, K: C, N: V });
  crossEntropyForward(gpu, enc, { logits: LOG, targets: TGT, losses: LOSS, lse: LSE, N: rows, V });
  crossEntropyBackward(gpu, enc, { logits: LOG, targets: TGT, lse: LSE, rowGrad: RG, dlogits: LOG, N: rows, V });
  linearBackward(gpu, enc, { dy: LOG, x: H, w: W, dx: DH, dw: DW, db: null, M: rows, K: C, N: V, accumulateDx: true });
  enc.submit();
  const out = { losses: await gpu.readF32(LOSS, rows), lse: await gpu.readF32(LSE, rows), dHidden: await gpu.readF32(DH, rows * C), dW: await gpu.readF32(DW, V * C) };
  gpu.release(H, W, TGT, RG, DH, DW, TMP, LOG, LOSS, LSE);
  return out;
}

describe('lmhead (fused LM head + cross-entropy)', () => {
  it('plans blocks within the budget, 64-aligned, and one block when the logits fit', () => {
    expect(lmHeadPlan(100, 333, 4 * 100 * 333)).toEqual({ rows: 100, V: 333, rowChunk: 100, colChunk: 333 });
    const cols = lmHeadPlan(100, 333, 4 * 100 * 130);
    expect(cols).toEqual({ rows: 100, V: 333, rowChunk: 100, colChunk: 128 });
    const both = lmHeadPlan(8192, 50257, 4 * 64 * 100);
    expect(both).toEqual({ rows: 8192, V: 50257, rowChunk: 64, colChunk: 64 });
    const gpt2 = lmHeadPlan(8192, 50304);
    expect(scratchBytes(gpt2)).toBeLessThanOrEqual(64 * 2 ** 20);
    expect(gpt2.colChunk % 64).toBe(0);
    expect(singleBlock(gpt2)).toBe(false);
    expect(lmHeadPlan(150, 333, 4 * 64 * 128)).toEqual({ rows: 150, V: 333, rowChunk: 128, colChunk: 64 });
    expect(planBlocks(lmHeadPlan(150, 333, 4 * 64 * 128))).toBe(2 * 6);
  });

  // [rows, C, V, budget floats]: vocabulary chunks with a partial last one (333 = 128 + 128 + 77);
  // row blocks too (150 = 128 + 22 rows × 64 columns), C not a multiple of 4 (scalar matmul paths, offsets that
  // are still 256-byte aligned), a vocabulary chunk that is not a multiple of 4 (scalar row packs),
  // and rows that are not a multiple of any row-kernel workgroup (32, 64, 256).
  const cases: [number, number, number, number][] = [[37, 20, 333, 37 * 130], [150, 18, 333, 64 * 128], [45, 12, 97, 45 * 64], [33, 8, 1000, 33 * 256]];
  for (const [rows, C, V, budget] of cases) {
    it(`matches the float64 reference and the unfused path, rows=${rows} C=${C} V=${V} blocks of ≤ ${budget} floats`, async () => {
      const gpu = await testGpu();
      const pr = problem(rows, C, V, rows * 31 + V);
      const plan = lmHeadPlan(rows, V, 4 * budget);
      expect(planBlocks(plan)).toBeGreaterThan(1);
      const ref = lmHeadRef({ ...pr, rows, C, V });
      const want = { dHidden: ref.dHidden.map((d, i) => d + pr.dHidden0[i]), dW: ref.dW.map((d, i) => d + pr.dW0[i]) };
      const base = await unfused(gpu, pr, rows, C, V);
      for (const variant of rowVariants(gpu)) {
        const got = await fused(gpu, pr, rows, C, plan, variant);
        expectAllClose(got.lse, ref.lse, { ...LOSS_TOL, name: `lse (${variant})` });
        expectAllClose(got.losses, ref.losses, { ...LOSS_TOL, name: `losses (${variant})` });
        expect(pr.targets.some((t, r) => t === -1 && got.losses[r] === 0)).toBe(true);
        expectAllClose(got.dHidden, want.dHidden, { ...GRAD_TOL, name: `dHidden (${variant})` });
        expectAllClose(got.dW, want.dW, { ...GRAD_TOL, name: `dW (${variant})` });
        for (const k of ['losses', 'lse', 'dHidden', 'dW'] as const)
          expectAllClose(got[k], base[k], { ...(k === 'losses' || k === 'lse' ? LOSS_TOL : GRAD_TOL), name: `${k} vs unfused (${variant})` });
      }
    });
  }

  // One pass over blocks of whole rows: 150 rows in blocks of 64 (64 + 64 + 22), and one block.
  for (const [rows, C, V, budget] of [[150, 18, 97, 64 * 97 + 5], [37, 20, 333, 37 * 333]] as const) {
    it(`one pass (rowGrad known up front) matches the reference and the unfused path, rows=${rows} C=${C} V=${V}`, async () => {
      const gpu = await testGpu();
      const pr = problem(rows, C, V, rows * 13 + V);
      const plan = lmHeadRowPlan(rows, V, 4 * budget)!;
      expect(plan.colChunk).toBe(V);
      expect(plan.rowChunk).toBe(budget >= rows * V ? rows : 64);
      const ref = lmHeadRef({ ...pr, rows, C, V });
      const want = { losses: ref.losses, lse: ref.lse, dHidden: ref.dHidden.map((d, i) => d + pr.dHidden0[i]), dW: ref.dW.map((d, i) => d + pr.dW0[i]) };
      const base = await unfused(gpu, pr, rows, C, V);
      for (const variant of rowVariants(gpu)) {
        const got = await onePass(gpu, pr, rows, C, plan, variant);
        for (const k of ['losses', 'lse', 'dHidden', 'dW'] as const) {
          const tol = k === 'losses' || k === 'lse' ? LOSS_TOL : GRAD_TOL;
          expectAllClose(got[k], want[k], { ...tol, name: `${k} (${variant})` });
          expectAllClose(got[k], base[k], { ...tol, name: `${k} vs unfused (${variant})` });
        }
      }
    });
  }

  it('plans whole-row blocks only when 64 rows of V fit the budget', () => {
    expect(lmHeadRowPlan(8192, 50304)).toEqual({ rows: 8192, V: 50304, rowChunk: 320, colChunk: 50304 });
    expect(lmHeadRowPlan(100, 1000, 4 * 63 * 1000)).toBeNull();
  });

  it('keeps the logits of a single block for the backward, with the same result as recomputing them', async () => {
    const gpu = await testGpu();
    const rows = 29, C = 16, V = 75;
    const pr = problem(rows, C, V, 5);
    const plan = lmHeadPlan(rows, V);
    expect(singleBlock(plan)).toBe(true);
    const kept = await fused(gpu, pr, rows, C, plan, undefined, true);
    const again = await fused(gpu, pr, rows, C, plan, undefined, false);
    for (const k of ['losses', 'lse', 'dHidden', 'dW'] as const) expectAllClose(kept[k], again[k], { atol: 0, rtol: 0, name: k });
    const ref = lmHeadRef({ ...pr, rows, C, V });
    expectAllClose(kept.losses, ref.losses, { ...LOSS_TOL, name: 'losses' });
  });

  it('is bit-identical across runs', async () => {
    const gpu = await testGpu();
    const rows = 40, C = 12, V = 200;
    const pr = problem(rows, C, V, 9);
    const plan = lmHeadPlan(rows, V, 4 * rows * 64);
    const a = await fused(gpu, pr, rows, C, plan), b = await fused(gpu, pr, rows, C, plan);
    for (const k of ['losses', 'lse', 'dHidden', 'dW'] as const) expect(new Uint32Array(b[k].buffer), k).toEqual(new Uint32Array(a[k].buffer));
  });

  it('reference gradients match finite differences of Σ rowGrad·losses', () => {
    const rows = 5, C = 4, V = 7;
    const pr = problem(rows, C, V, 3);
    const ref = lmHeadRef({ ...pr, rows, C, V });
    const lossOf = (hidden: ArrayLike<number>, w: ArrayLike<number>) => dot(lmHeadRef({ ...pr, hidden, w, rows, C, V }).losses, pr.rowGrad);
    expectAllClose(ref.dHidden, numericGrad((h) => lossOf(h, pr.w), pr.hidden), { atol: 1e-8, name: 'dHidden' });
    const idx = sampleIndices(V * C, 12);
    expectAllClose(idx.map((i) => ref.dW[i]), numericGrad((w) => lossOf(pr.hidden, w), pr.w, 1e-5, idx), { atol: 1e-8, name: 'dW' });
  });

  it('rejects keeping logits that a multi-block plan never held', async () => {
    const gpu = await testGpu();
    const plan = lmHeadPlan(10, 300, 4 * 10 * 64);
    const B = gpu.buffer(4 * 10 * 300);
    const enc = gpu.encoder('lmhead-bad');
    expect(() => lmHeadBackward(gpu, enc, { hidden: B, w: B, targets: B, lse: B, scratch: B, rowGrad: B, dHidden: B, dW: B, C: 1, plan, logitsKept: true })).toThrow(/one block/);
    gpu.release(B);
  });
});
