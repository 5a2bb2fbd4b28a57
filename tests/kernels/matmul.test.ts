import { describe, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { matmul, linearForward, linearBackward, type MatmulKernel } from '../../src/kernels/matmul';
import { matmulRef, linearForwardRef, linearBackwardRef } from '../../src/kernels/matmul.ref';

// Inputs are U(-1, 1). A float32 dot product of K such terms has a rounding error of about
// sqrt(K)·2⁻²⁴·|partial sums| in practice (K·2⁻²⁴·Σ|a·b| at worst). For K ≤ 132 here the largest
// error measured was 4.4e-6 (|C| up to ~15); atol 2e-5 plus rtol 1e-5 leaves a 4× margin, while an
// indexing bug (errors of order 0.1–1) cannot hide.
const TOL = { atol: 2e-5, rtol: 1e-5 };

// The hand-written kernels, whichever matmul picks on this adapter (linear tests below use that
// one); the generated tile family is checked in matmul-tiles.test.ts.
const VARIANTS: MatmulKernel[] = ['regs', 'tiled'];

describe.each(VARIANTS)('matmul (%s)', (variant) => {
  // 37×29 with K=45 hits every scalar (unaligned) path and a partial last K step; 36×44 with K=52
  // every vec4 path. Neither is a multiple of either kernel's tile or K step.
  const shapes = [{ M: 37, N: 29, K: 45 }, { M: 36, N: 44, K: 52 }];
  for (const { M, N, K } of shapes) {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
      it(`C = op(A)·op(B), M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, async () => {
        const gpu = await testGpu();
        const rng = new Rng(M * 1000 + N + Number(transA) * 7 + Number(transB) * 13);
        const a = rng.floats(M * K), b = rng.floats(K * N);
        const [A, B, C] = [a, b, new Float32Array(M * N)].map((x) => gpu.upload(x));
        const enc = gpu.encoder('matmul-test');
        matmul(gpu, enc, { a: A, b: B, c: C, M, N, K, transA, transB, kernel: variant });
        enc.submit();
        expectAllClose(await gpu.readF32(C, M * N), matmulRef(a, b, { M, N, K, transA, transB }), { ...TOL, name: 'C' });
        gpu.release(A, B, C);
      });
    }
  }

  for (const { M, N, K, transA, transB } of [{ M: 33, N: 70, K: 19, transA: false, transB: false }, { M: 20, N: 12, K: 68, transA: true, transB: true }]) {
    it(`batched, accumulate and bias, batch=3 M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, async () => {
      const gpu = await testGpu();
      const batch = 3;
      const rng = new Rng(M + N + K);
      const a = rng.floats(batch * M * K), b = rng.floats(batch * K * N), bias = rng.floats(N), c0 = rng.floats(batch * M * N);
      const [A, B, BIAS, C, D] = [a, b, bias, c0, new Float32Array(batch * M * N)].map((x) => gpu.upload(x));
      const enc = gpu.encoder('matmul-test');
      matmul(gpu, enc, { a: A, b: B, c: C, M, N, K, batch, transA, transB, accumulate: true, bias: BIAS, kernel: variant });
      matmul(gpu, enc, { a: A, b: B, c: D, M, N, K, batch, transA, transB, kernel: variant });
      enc.submit();
      expectAllClose(await gpu.readF32(C, batch * M * N), matmulRef(a, b, { M, N, K, batch, transA, transB, bias, c0 }), { ...TOL, name: 'C += AB + bias' });
      expectAllClose(await gpu.readF32(D, batch * M * N), matmulRef(a, b, { M, N, K, batch, transA, transB }), { ...TOL, name: 'C = AB' });
      gpu.release(A, B, BIAS, C, D);
    });
  }
});

describe('linear', () => {
  const shapes = [
    { M: 37, K: 45, N: 29 },
    { M: 65, K: 130, N: 67 },
    { M: 66, K: 132, N: 68 },
    { M: 5, K: 1, N: 7 },
    { M: 1, K: 33, N: 9 },
    { M: 9, K: 8, N: 1 },
  ];
  for (const { M, K, N } of shapes) {
    it(`forward and backward match the reference, M=${M} K=${K} N=${N}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(M * 7919 + K * 31 + N);
      const x = rng.floats(M * K), w = rng.floats(N * K), b = rng.floats(N), dy = rng.floats(M * N);
      const dx0 = rng.floats(M * K), dw0 = rng.floats(N * K), db0 = rng.floats(N);
      const [X, W, B, DY, Y, YN, DX, DXA, DW, DB] = [x, w, b, dy, new Float32Array(M * N), new Float32Array(M * N), rng.floats(M * K), dx0, dw0, db0].map((v) => gpu.upload(v));
      const enc = gpu.encoder('linear-test');
      linearForward(gpu, enc, { x: X, w: W, b: B, y: Y, M, K, N });
      linearForward(gpu, enc, { x: X, w: W, b: null, y: YN, M, K, N });
      linearBackward(gpu, enc, { dy: DY, x: X, w: W, dx: DX, dw: DW, db: DB, M, K, N });
      linearBackward(gpu, enc, { dy: DY, x: X, w: W, dx: DXA, dw: DW, db: null, M, K, N, accumulateDx: true });
      enc.submit();
      expectAllClose(await gpu.readF32(Y, M * N), linearForwardRef(x, w, b, M, K, N), { ...TOL, name: 'y' });
      expectAllClose(await gpu.readF32(YN, M * N), linearForwardRef(x, w, null, M, K, N), { ...TOL, name: 'y (no bias)' });
      const g = linearBackwardRef(dy, x, w, M, K, N);
      expectAllClose(await gpu.readF32(DX, M * K), g.dx, { ...TOL, name: 'dx' });
      expectAllClose(await gpu.readF32(DXA, M * K), g.dx.map((v, i) => v + dx0[i]), { ...TOL, name: 'dx (accumulated)' });
      // dw was accumulated twice (both backward calls), db once.
      expectAllClose(await gpu.readF32(DW, N * K), g.dw.map((v, i) => 2 * v + dw0[i]), { ...TOL, name: 'dw' });
      expectAllClose(await gpu.readF32(DB, N), g.db.map((v, i) => v + db0[i]), { ...TOL, name: 'db' });
      gpu.release(X, W, B, DY, Y, YN, DX, DXA, DW, DB);
    });
  }

  it('backward reference matches finite differences', () => {
    const rng = new Rng(11);
    const M = 3, K = 4, N = 5;
    const x = rng.floats(M * K), w = rng.floats(N * K), b = rng.floats(N), probe = rng.floats(M * N);
    const g = linearBackwardRef(probe, x, w, M, K, N);
    const loss = (xx: ArrayLike<number>, ww: ArrayLike<number>, bb: ArrayLike<number>) => dot(linearForwardRef(xx, ww, bb, M, K, N), probe);
    const fd = { atol: 1e-7, rtol: 1e-6 };
    expectAllClose(g.dx, numericGrad((v) => loss(v, w, b), x), { ...fd, name: 'dx' });
    expectAllClose(g.dw, numericGrad((v) => loss(x, v, b), w), { ...fd, name: 'dw' });
    expectAllClose(g.db, numericGrad((v) => loss(x, w, v), b), { ...fd, name: 'db' });
  });
});
