import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import type { Gpu } from '../../src/gpu/gpu';
import { rmsnormForward, rmsnormBackward } from '../../src/kernels/rmsnorm';
import { rowVariants, type RowVariant } from '../../src/kernels/reduce';
import { rmsnormForwardRef, rmsnormBackwardRef } from '../../src/kernels/rmsnorm.ref';

const add = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);

interface Case { rows: number; C: number; x: Float32Array; weight: Float32Array; dy: Float32Array; dx0: Float32Array; dweight0: Float32Array }

function makeCase(rows: number, C: number): Case {
  const rng = new Rng(rows * 1000 + C + 17);
  const n = rows * C;
  // Row scales from 0.1 to 10: rstd must follow the row's own magnitude.
  const x = rng.normals(n).map((v, i) => v * 10 ** ((Math.floor(i / C) % 3) - 1));
  return { rows, C, x, weight: rng.normals(C, 0.2).map((v) => v + 1), dy: rng.normals(n), dx0: rng.normals(n), dweight0: rng.normals(C) };
}

async function run(gpu: Gpu, k: Case, variant?: RowVariant) {
  const { rows, C } = k;
  const n = rows * C;
  const [X, W, DY, DX, DW, Y, RSTD] = [k.x, k.weight, k.dy, k.dx0, k.dweight0, new Float32Array(n), new Float32Array(rows)].map((a) => gpu.upload(a));
  await gpu.scoped('rmsnorm', () => {
    const enc = gpu.encoder('rmsnorm-test');
    rmsnormForward(gpu, enc, { x: X, weight: W, y: Y, rstd: RSTD, rows, C, eps: 1e-5, variant });
    rmsnormBackward(gpu, enc, { dy: DY, x: X, weight: W, rstd: RSTD, dx: DX, dweight: DW, rows, C, variant });
    enc.submit();
  });
  const out = { y: await gpu.readF32(Y, n), rstd: await gpu.readF32(RSTD, rows), dx: await gpu.readF32(DX, n), dweight: await gpu.readF32(DW, C) };
  gpu.release(X, W, DY, DX, DW, Y, RSTD);
  return out;
}

describe('rmsnorm', () => {
  // Every row geometry the device has (rowVariants) runs every case. Widths: scalar (C % 4 ≠ 0)
  // and vec4 packs, around the tree's lanes-per-row steps (32 → 33 packs) and the column-pack
  // workgroup (64 packs); rows around a thread workgroup (32) and a subgroup workgroup (16).
  // 300 and 2100 rows give 10 and 64 row chunks in the weight-gradient reduction.
  for (const [rows, C] of [[1, 1], [37, 45], [65, 300], [5, 385], [300, 130], [2100, 9], [33, 128], [17, 132], [31, 4], [3, 260]]) {
    it(`forward and backward match the reference, rows=${rows} C=${C}`, async () => {
      const gpu = await testGpu();
      const k = makeCase(rows, C);
      for (const variant of rowVariants(gpu)) await check(gpu, k, variant);
    });
  }

  async function check(gpu: Gpu, k: Case, variant: RowVariant) {
    const { rows, C } = k;
    const name = (what: string) => `${what} (${variant})`;
    const got = await run(gpu, k, variant);
    const ref = rmsnormForwardRef(k.x, k.weight, rows, C, 1e-5);
    // rstd and y are one sum of squares and a few products in f32: measured ≤ 2.4e-7 relative.
    expectAllClose(got.rstd, ref.rstd, { atol: 0, rtol: 1e-6, name: name('rstd') });
    expectAllClose(got.y, ref.y, { atol: 1e-9, rtol: 2e-6, name: name('y') });
    // Backward from the GPU's own (f32) rstd, so only the backward's rounding counts. dx scales
    // with rstd (up to ~10 here) and cancels inside the bracket: measured ≤ 6.5e-6 absolute.
    const inc = rmsnormBackwardRef(k.dy, k.x, k.weight, got.rstd, rows, C);
    expectAllClose(got.dx, add(k.dx0, inc.dx), { atol: 2e-5, rtol: 1e-5, name: name('dx') });
    // Column sums over up to 2100 terms of size ~1 reach ~50, where one ulp is 4e-6 and 64
    // chunk partials are added: measured ≤ 5e-5 (with 4096 rows).
    expectAllClose(got.dweight, add(k.dweight0, inc.dweight), { atol: 1e-4, rtol: 1e-5, name: name('dweight') });
  }

  it('weight gradient is bit-identical from run to run', async () => {
    const gpu = await testGpu();
    for (const [rows, C] of [[300, 130], [300, 132]]) {
      const k = makeCase(rows, C);
      for (const variant of rowVariants(gpu)) {
        const a = await run(gpu, k, variant);
        const b = await run(gpu, k, variant);
        expect(Array.from(b.dweight), variant).toEqual(Array.from(a.dweight));
        expect(Array.from(b.dx), variant).toEqual(Array.from(a.dx));
      }
    }
  });

  it('backward reference matches finite differences', () => {
    const rng = new Rng(9);
    const rows = 3, C = 6;
    const x = rng.normals(rows * C, 2), w = rng.normals(C), probe = rng.normals(rows * C);
    const f = (xv: ArrayLike<number>, wv: ArrayLike<number>) => dot(rmsnormForwardRef(xv, wv, rows, C).y, probe);
    const g = rmsnormBackwardRef(probe, x, w, rmsnormForwardRef(x, w, rows, C).rstd, rows, C);
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectAllClose(g.dx, numericGrad((v) => f(v, w), x), { ...tol, name: 'dx' });
    expectAllClose(g.dweight, numericGrad((v) => f(x, v), w), { ...tol, name: 'dweight' });
  });
});
