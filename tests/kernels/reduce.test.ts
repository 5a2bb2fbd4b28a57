import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { Rng } from '../../src/util/rng';
import { sumSquares, globalNorm, scale, partialGroups, partialCount, partialVariant, rowVariant, isCpuAdapter, type PartialVariant } from '../../src/kernels/reduce';
import { sumSquaresRef, scaleRef } from '../../src/kernels/reduce.ref';

// Sums of n positive f32 terms. 'tree' (GPUs): each thread adds ≤ ceil(n / (64·groups)) terms in
// order, then a tree of depth 6, then stage 2 adds ≤ 16 partials per thread and another depth-6
// tree: about (terms per thread + 28)·2^−24 relative, ≤ 4.5e-6 for n ≤ 3e6 (≤ 46 terms per thread).
// 'thread' (CPU adapters): a lane adds blocks of ≤ 64 terms and then ≤ 183 block sums (n = 3e6 over
// 256 lanes); stage 2 adds ≤ 5 partials per lane and the depth-6 tree. Rounding errors of such
// sums grow like the square root of the term count: ~(8 + 14 + 2 + 6)·2^−24 ≈ 2e-6.
// Measured on both adapters and both geometries: ≤ 1e-7 relative (the f32 rounding of the sum).
const SUM_TOL = { atol: 0, rtol: 1e-5 };
const VARIANTS: PartialVariant[] = ['thread', 'tree'];

describe('reduce', () => {
  // Scalar and vec4 (n % 4 = 0) ranges, each in both stage-1 geometries on every adapter.
  for (const n of [1, 1000, 70001, 3_000_017, 4_000_000]) {
    it(`sumSquares and globalNorm of one range match the reference, n=${n}`, async () => {
      const gpu = await testGpu();
      const x = new Rng(n).floats(n);
      const X = gpu.upload(x), OUT = gpu.upload(new Float32Array(2));
      const ref = sumSquaresRef([{ x, n }]);
      for (const variant of VARIANTS) {
        await gpu.scoped('reduce', () => {
          const enc = gpu.encoder('reduce-test');
          enc.clear(OUT);
          sumSquares(gpu, enc, { x: X, n, out: OUT, variant });
          globalNorm(gpu, enc, { x: X, n, out: OUT, outIndex: 1, variant });
          enc.submit();
        });
        expectAllClose(await gpu.readF32(OUT, 2), [ref, Math.sqrt(ref)], { ...SUM_TOL, name: `sum of squares, norm (${variant})` });
      }
      gpu.release(X, OUT);
    });
  }

  it('sums several ranges of several buffers at odd offsets into one result (more partials than one range makes)', async () => {
    const gpu = await testGpu();
    const rng = new Rng(11);
    const a = rng.floats(5003), b = rng.floats(700_001, -3, 3);
    // Odd offsets and lengths (scalar) next to vec4-aligned ones (offset 4, n 100_000).
    const ranges = [{ x: a, offset: 1, n: 2500 }, { x: b, offset: 7, n: 699_990 }, { x: a, offset: 2501, n: 2501 }, { x: b, offset: 0, n: 0 }, { x: b, offset: 4, n: 100_000 }];
    expect(ranges.reduce((s, r) => s + partialGroups(r.n), 0)).toBeGreaterThan(partialGroups(1e9));
    const A = gpu.upload(a), Bf = gpu.upload(b), OUT = gpu.upload(new Float32Array(1));
    const gpuRanges = ranges.map((r) => ({ ...r, x: r.x === a ? A : Bf }));
    // The CPU geometry caps partials at 256 per range: these ranges still need more than one cap.
    expect(partialCount(gpuRanges, 'thread')).toBeGreaterThan(256);
    for (const variant of VARIANTS) {
      await gpu.scoped('reduce', () => {
        const enc = gpu.encoder('reduce-ranges');
        enc.clear(OUT);
        sumSquares(gpu, enc, { ranges: gpuRanges, out: OUT, variant });
        enc.submit();
      });
      expectAllClose(await gpu.readF32(OUT, 1), [sumSquaresRef(ranges)], { ...SUM_TOL, name: `sum over ranges (${variant})` });
    }
    gpu.release(A, Bf, OUT);
  });

  it('is deterministic: repeated runs are bit-identical', async () => {
    const gpu = await testGpu();
    const n = 500_009;
    const X = gpu.upload(new Rng(5).normals(n, 10)), OUT = gpu.upload(new Float32Array(3));
    expect(partialGroups(n)).toBeGreaterThan(1);
    expect(partialCount([{ x: X, n }], 'thread')).toBeGreaterThan(1);
    for (const variant of VARIANTS) {
      await gpu.scoped('reduce', () => {
        const enc = gpu.encoder('reduce-determinism');
        enc.clear(OUT);
        for (let k = 0; k < 3; k++) sumSquares(gpu, enc, { x: X, n, out: OUT, outIndex: k, variant });
        enc.submit();
      });
      const bits = new Uint32Array((await gpu.readF32(OUT, 3)).buffer);
      expect(bits[0], variant).not.toBe(0);
      expect([bits[1], bits[2]], variant).toEqual([bits[0], bits[0]]);
    }
    gpu.release(X, OUT);
  });

  it('picks the barrier-free geometries on CPU adapters (both test adapters are)', async () => {
    const gpu = await testGpu();
    expect(isCpuAdapter(gpu)).toBe(true);
    expect(partialVariant(gpu)).toBe('thread');
    for (const packs of [1, 32, 5000, 50257]) expect(rowVariant(gpu, packs)).toBe('thread');
  });

  for (const [len, offset, n] of [[300, 3, 290], [70_001, 0, 70_001]]) {
    it(`scale multiplies exactly the range in place, n=${n} offset=${offset}`, async () => {
      const gpu = await testGpu();
      const x = new Rng(len).floats(len);
      const X = gpu.upload(x);
      const enc = gpu.encoder('scale-test');
      scale(gpu, enc, { x: X, n, offset, alpha: -0.37 });
      enc.submit();
      // alpha is an f32 uniform; one f32 multiply per element is the float64 product rounded once.
      expectAllClose(await gpu.readF32(X, len), scaleRef(x, Math.fround(-0.37), offset, n), { atol: 0, rtol: 2 ** -24, name: 'scaled' });
      gpu.release(X);
    });
  }

  it('scale covers more than 65535 workgroups (2-D dispatch split), n=16_777_473', async () => {
    const gpu = await testGpu();
    const n = 16_777_473; // 65535·256 + 513
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 1021) - 510;
    const X = gpu.upload(x);
    const enc = gpu.encoder('scale-2d');
    scale(gpu, enc, { x: X, n, alpha: 2 });
    enc.submit();
    const got = await gpu.readF32(X, n);
    let bad = 0;
    for (let i = 0; i < n; i++) if (got[i] !== 2 * x[i]) bad++;
    expect(bad, 'elements not doubled exactly').toBe(0);
    gpu.release(X);
  });
});
