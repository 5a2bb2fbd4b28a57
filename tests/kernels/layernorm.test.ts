import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import type { Gpu } from '../../src/gpu/gpu';
import { layernormForward, layernormBackward } from '../../src/kernels/layernorm';
import { rowVariants, type RowVariant } from '../../src/kernels/reduce';
import { layernormForwardRef, layernormBackwardRef } from '../../src/kernels/layernorm.ref';

const add = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);

interface Case { rows: number; C: number; x: Float32Array; weight: Float32Array; bias: Float32Array | null; dy: Float32Array; dx0: Float32Array; dweight0: Float32Array; dbias0: Float32Array }

function makeCase(rows: number, C: number, withBias: boolean): Case {
  const rng = new Rng(rows * 1000 + C);
  const n = rows * C;
  // Rows with an offset much larger than their spread: the variance must not cancel.
  const x = rng.normals(n, 2).map((v, i) => v + (Math.floor(i / C) % 3) * 20);
  return {
    rows, C, x,
    weight: rng.normals(C, 0.2).map((v) => v + 1),
    bias: withBias ? rng.normals(C) : null,
    dy: rng.normals(n), dx0: rng.normals(n), dweight0: rng.normals(C), dbias0: rng.normals(C),
  };
}

/** Runs forward then backward in one step; returns everything read back. */
async function run(gpu: Gpu, k: Case, variant?: RowVariant) {
  const { rows, C } = k;
  const n = rows * C;
  const [X, W, DY, DX, DW, DB, Y, MEAN, RSTD] = [k.x, k.weight, k.dy, k.dx0, k.dweight0, k.dbias0, new Float32Array(n), new Float32Array(rows), new Float32Array(rows)].map((a) => gpu.upload(a));
  const B = k.bias ? gpu.upload(k.bias) : null;
  await gpu.scoped('layernorm', () => {
    const enc = gpu.encoder('layernorm-test');
    layernormForward(gpu, enc, { x: X, weight: W, bias: B, y: Y, mean: MEAN, rstd: RSTD, rows, C, eps: 1e-5, variant });
    layernormBackward(gpu, enc, { dy: DY, x: X, weight: W, mean: MEAN, rstd: RSTD, dx: DX, dweight: DW, dbias: B ? DB : null, rows, C, variant });
    enc.submit();
  });
  const out = {
    y: await gpu.readF32(Y, n), mean: await gpu.readF32(MEAN, rows), rstd: await gpu.readF32(RSTD, rows),
    dx: await gpu.readF32(DX, n), dweight: await gpu.readF32(DW, C), dbias: await gpu.readF32(DB, C),
  };
  gpu.release(X, W, DY, DX, DW, DB, Y, MEAN, RSTD, B);
  return out;
}

describe('layernorm', () => {
  // Every row geometry the device has (rowVariants) runs every case. Widths: scalar (C % 4 ≠ 0)
  // and vec4 packs, around the tree's lanes-per-row steps (4 packs per lane: 32 → 33 packs) and
  // the column-pack workgroup (64 packs: 256 → 260 floats); rows around a thread workgroup (32)
  // and a subgroup workgroup (16 rows at subgroup size 4). 300 and 2100 rows give 10 and 64 row
  // chunks in the parameter-gradient reduction.
  const cases: [number, number, boolean][] = [
    [2, 1, true], [37, 45, true], [65, 300, false], [5, 385, true], [300, 130, false], [2100, 9, true],
    [33, 128, true], [17, 132, false], [31, 4, true], [3, 260, true],
  ];
  for (const [rows, C, withBias] of cases) {
    it(`forward and backward match the reference, rows=${rows} C=${C} bias=${withBias}`, async () => {
      const gpu = await testGpu();
      const k = makeCase(rows, C, withBias);
      for (const variant of rowVariants(gpu)) await check(gpu, k, variant);
    });
  }

  async function check(gpu: Gpu, k: Case, variant: RowVariant) {
    const { rows, C, bias } = k;
    const withBias = bias !== null;
    const got = await run(gpu, k, variant);
    const name = (what: string) => `${what} (${variant})`;
    const ref = layernormForwardRef(k.x, k.weight, k.bias, rows, C, 1e-5);
    // f32 row statistics: the mean of values near 40 is good to ~ulp(40) ≈ 4e-6 (measured
    // ≤ 6e-6); rstd to a few ulp relative (measured ≤ 1.5e-7).
    expectAllClose(got.mean, ref.mean, { atol: 1e-5, rtol: 1e-6, name: name('mean') });
    expectAllClose(got.rstd, ref.rstd, { atol: 0, rtol: 1e-6, name: name('rstd') });
    // y inherits the mean's absolute error times rstd·weight (~0.6): measured ≤ 6e-6 here.
    expectAllClose(got.y, ref.y, { atol: 1.5e-5, rtol: 1e-5, name: name('y') });
    // Backward from the GPU's own (f32) mean and rstd, so only the backward's rounding counts.
    const inc = layernormBackwardRef(k.dy, k.x, k.weight, got.mean, got.rstd, rows, C);
    // Measured ≤ 5e-7 absolute (dx is O(1) and cancels inside the bracket).
    expectAllClose(got.dx, add(k.dx0, inc.dx), { atol: 2e-6, rtol: 1e-5, name: name('dx') });
    // Column sums over up to 2100 terms of size ~1 reach ~50, where one ulp is 4e-6 and 64
    // chunk partials are added: measured ≤ 4e-5 (also with 4096 rows).
    expectAllClose(got.dweight, add(k.dweight0, inc.dweight), { atol: 1e-4, rtol: 1e-5, name: name('dweight') });
    expectAllClose(got.dbias, withBias ? add(k.dbias0, inc.dbias) : k.dbias0, { atol: 1e-4, rtol: 1e-5, name: name('dbias') });
  }

  it('parameter gradients are bit-identical from run to run', async () => {
    const gpu = await testGpu();
    for (const [rows, C] of [[300, 130], [300, 132]]) {
      const k = makeCase(rows, C, true);
      for (const variant of rowVariants(gpu)) {
        const a = await run(gpu, k, variant);
        const b = await run(gpu, k, variant);
        expect(Array.from(b.dweight), variant).toEqual(Array.from(a.dweight));
        expect(Array.from(b.dbias), variant).toEqual(Array.from(a.dbias));
        expect(Array.from(b.dx), variant).toEqual(Array.from(a.dx));
      }
    }
  });

  it('backward reference matches finite differences', () => {
    const rng = new Rng(5);
    const rows = 3, C = 6;
    const x = rng.normals(rows * C, 2), w = rng.normals(C), b = rng.normals(C), probe = rng.normals(rows * C);
    const f = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number>) => dot(layernormForwardRef(xv, wv, bv, rows, C).y, probe);
    const { mean, rstd } = layernormForwardRef(x, w, b, rows, C);
    const g = layernormBackwardRef(probe, x, w, mean, rstd, rows, C);
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectAllClose(g.dx, numericGrad((v) => f(v, w, b), x), { ...tol, name: 'dx' });
    expectAllClose(g.dweight, numericGrad((v) => f(x, v, b), w), { ...tol, name: 'dweight' });
    expectAllClose(g.dbias, numericGrad((v) => f(x, w, v), b), { ...tol, name: 'dbias' });
  });
});
