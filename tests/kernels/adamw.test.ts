import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { Rng } from '../../src/util/rng';
import { adamw } from '../../src/kernels/adamw';
import { globalNorm } from '../../src/kernels/reduce';
import { adamwRef, globalNormRef } from '../../src/kernels/adamw.ref';

// GPU f32 vs float64 over several steps: each step rounds p, m, v a few times (relative 2^−24
// each) and the update lr·m̂/(sqrt(v̂)+eps) carries the f32 error of m̂ and v̂ (~1e-7 relative).
// With |p| ≤ 1 and lr ≤ 1e-2 the parameter error stays ≤ ~1e-7 absolute; atol 1e-6 gives margin.
// m is a running mean of signed gradients (|g| ≤ ~1) and can cancel to near 0, so its error is
// absolute: a few f32 ulps of |g| per step, ≤ ~2e-8 here; v (positive) is compared relatively.
const P_TOL = { atol: 1e-6, rtol: 1e-6 };
const MV_TOL = { atol: 5e-8, rtol: 1e-5 };

const hyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8 };

describe('adamw', () => {
  // [buffer length, decayed range, not-decayed range, maxNorm]: clipping active (small maxNorm),
  // inactive (large maxNorm), disabled (0).
  const cases: [number, [number, number], [number, number], number][] = [
    [1100, [37, 1000], [0, 37], 1.0],
    [70_001, [0, 50_000], [50_000, 20_001], 1e6],
    [333, [5, 300], [305, 28], 0],
  ];
  for (const [len, [dOff, dN], [nOff, nN], maxNorm] of cases) {
    it(`matches the float64 reference over 4 steps, len=${len}, maxNorm=${maxNorm}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(len);
      const p = Float64Array.from(rng.floats(len)), m = new Float64Array(len), v = new Float64Array(len);
      const P = gpu.upload(new Float32Array(p)), M = gpu.upload(new Float32Array(len)), Vb = gpu.upload(new Float32Array(len));
      const G = gpu.upload(new Float32Array(len)), NORM = gpu.upload(new Float32Array(1));
      const groups = [{ offset: dOff, n: dN, weightDecay: 0.1 }, { offset: nOff, n: nN, weightDecay: 0 }];
      let clipped = false;
      for (let step = 1; step <= 4; step++) {
        const g = rng.normals(len, 0.05 * step);
        const lr = 1e-2 / step; // a schedule: lr changes every step
        gpu.write(G, g);
        const enc = gpu.encoder('adamw-test');
        globalNorm(gpu, enc, { x: G, n: len, out: NORM });
        for (const grp of groups) adamw(gpu, enc, { param: P, grad: G, m: M, v: Vb, ...grp, lr, ...hyper, step, gradNorm: NORM, maxNorm });
        enc.submit();
        const norm = globalNormRef([g]);
        clipped ||= maxNorm > 0 && norm > maxNorm;
        for (const { offset, n, weightDecay } of groups) {
          const r = (a: Float64Array | Float32Array) => a.subarray(offset, offset + n);
          const next = adamwRef(r(p), r(g), r(m), r(v), { lr, ...hyper, weightDecay, step, gradNorm: norm, maxNorm });
          p.set(next.param, offset); m.set(next.m, offset); v.set(next.v, offset);
        }
      }
      expect(clipped, 'clipping should be active exactly when maxNorm is small').toBe(maxNorm === 1.0);
      expectAllClose(await gpu.readF32(P, len), p, { ...P_TOL, name: 'param' });
      expectAllClose(await gpu.readF32(M, len), m, { ...MV_TOL, name: 'm' });
      expectAllClose(await gpu.readF32(Vb, len), v, { ...MV_TOL, name: 'v' });
      gpu.release(P, M, Vb, G, NORM);
    });
  }

  it('leaves elements outside the range untouched', async () => {
    const gpu = await testGpu();
    const len = 517, offset = 101, n = 300;
    const rng = new Rng(3);
    const p = rng.floats(len), m = rng.floats(len, 0, 0.1), v = rng.floats(len, 0, 0.01), g = rng.floats(len);
    const [P, M, Vb, G] = [p, m, v, g].map((x) => gpu.upload(x));
    const NORM = gpu.upload(new Float32Array([0.5]));
    const enc = gpu.encoder('adamw-range');
    adamw(gpu, enc, { param: P, grad: G, m: M, v: Vb, n, offset, lr: 1e-3, ...hyper, weightDecay: 0.1, step: 7, gradNorm: NORM, maxNorm: 1 });
    enc.submit();
    const ref = adamwRef(p.subarray(offset, offset + n), g.subarray(offset, offset + n), m.subarray(offset, offset + n), v.subarray(offset, offset + n),
      { lr: 1e-3, ...hyper, weightDecay: 0.1, step: 7, gradNorm: Math.fround(0.5), maxNorm: 1 });
    for (const [name, B, before, after] of [['param', P, p, ref.param], ['m', M, m, ref.m], ['v', Vb, v, ref.v]] as const) {
      const got = await gpu.readF32(B, len);
      expect(Array.from(got.subarray(0, offset)), `${name} before the range`).toEqual(Array.from(before.subarray(0, offset)));
      expect(Array.from(got.subarray(offset + n)), `${name} after the range`).toEqual(Array.from(before.subarray(offset + n)));
      expectAllClose(got.subarray(offset, offset + n), after, { ...(name === 'param' ? P_TOL : MV_TOL), name });
    }
    gpu.release(P, M, Vb, G, NORM);
  });

  for (const bad of [NaN, Infinity]) {
    it(`skips the whole update when the gradient norm is ${bad}`, async () => {
      const gpu = await testGpu();
      const len = 777;
      const rng = new Rng(9);
      const p = rng.floats(len), m = rng.floats(len, 0, 0.1), v = rng.floats(len, 0, 0.01), g = rng.floats(len);
      g[123] = bad;
      const [P, M, Vb, G] = [p, m, v, g].map((x) => gpu.upload(x));
      const NORM = gpu.upload(new Float32Array(1));
      const enc = gpu.encoder('adamw-skip');
      globalNorm(gpu, enc, { x: G, n: len, out: NORM });
      adamw(gpu, enc, { param: P, grad: G, m: M, v: Vb, n: len, lr: 1e-3, ...hyper, weightDecay: 0.1, step: 3, gradNorm: NORM, maxNorm: 1 });
      enc.submit();
      const norm = (await gpu.readF32(NORM, 1))[0];
      expect(Number.isFinite(norm), `norm read back for reporting: ${norm}`).toBe(false);
      expect(Array.from(await gpu.readF32(P, len))).toEqual(Array.from(p));
      expect(Array.from(await gpu.readF32(M, len))).toEqual(Array.from(m));
      expect(Array.from(await gpu.readF32(Vb, len))).toEqual(Array.from(v));
      gpu.release(P, M, Vb, G, NORM);
    });
  }

  it('covers more than 65535 workgroups (2-D dispatch split), n=16_777_473', async () => {
    const gpu = await testGpu();
    const n = 16_777_473; // 65535·256 + 513: the last 513 elements sit in the second row of groups
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = i % 2 ? 0.5 : -0.25;
    const P = gpu.upload(new Float32Array(n).fill(1)), G = gpu.upload(g);
    const M = gpu.buffer(n * 4), Vb = gpu.buffer(n * 4);
    const NORM = gpu.upload(new Float32Array([1]));
    const enc = gpu.encoder('adamw-2d');
    enc.clear(M, 0, n * 4).clear(Vb, 0, n * 4);
    adamw(gpu, enc, { param: P, grad: G, m: M, v: Vb, n, lr: 1e-2, ...hyper, weightDecay: 0, step: 1, gradNorm: NORM, maxNorm: 0 });
    enc.submit();
    // Step 1 without decay moves every parameter by lr·g/(|g| + eps') = ∓lr (to 1e-6 relative).
    // Checked at both ends: the first groups and the tail, past 65535 groups.
    for (const start of [0, n - 70_000]) {
      const got = await gpu.readF32(P, 70_000, start);
      const want = Float64Array.from(got, (_, k) => 1 - 1e-2 * Math.sign(g[start + k]));
      expectAllClose(got, want, { atol: 1e-6, rtol: 0, name: `params from ${start}` });
    }
    gpu.release(P, G, M, Vb, NORM);
  });
});
