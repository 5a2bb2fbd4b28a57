import { describe, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { geluForward, geluBackward } from '../../src/kernels/gelu';
import { geluForwardRef, geluBackwardRef } from '../../src/kernels/gelu.ref';

describe('gelu', () => {
  for (const n of [1, 1000, 70001]) {
    it(`forward and backward match the reference, n=${n}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(n);
      // Mostly the useful range, plus large arguments up to ±20 where tanh saturates.
      const x = rng.normals(n, 2).map((v, i) => (i % 10 === 3 ? rng.uniform(-20, 20) : v));
      const dy = rng.normals(n);
      const [X, Y, DY, DX] = [x, new Float32Array(n), dy, new Float32Array(n).fill(7)].map((a) => gpu.upload(a));
      const enc = gpu.encoder('gelu-test');
      geluForward(gpu, enc, { x: X, y: Y, n });
      geluBackward(gpu, enc, { x: X, dy: DY, dx: DX, n });
      enc.submit();
      // y = x·σ(2u) in f32: one exp and a few roundings, measured ≤ 1.2e-6 relative; the atol
      // covers y ≈ 0 for large negative x, where the relative error of a tiny value is meaningless.
      expectAllClose(await gpu.readF32(Y, n), geluForwardRef(x), { atol: 1e-7, rtol: 5e-6, name: 'y' });
      // gelu' is a sum of two terms that cancel near x ≈ −0.75, so the bound is absolute at
      // |dy| ~ 1: measured ≤ 5.2e-7.
      expectAllClose(await gpu.readF32(DX, n), geluBackwardRef(x, dy), { atol: 1e-6, rtol: 1e-5, name: 'dx' });
      gpu.release(X, Y, DY, DX);
    });
  }

  it('backward reference matches finite differences', () => {
    const rng = new Rng(2);
    const x = Float64Array.from([...rng.normals(20, 2), -20, -6, -3.1, 0, 3.1, 6, 20]), probe = rng.normals(x.length);
    expectAllClose(geluBackwardRef(x, probe), numericGrad((v) => dot(geluForwardRef(v), probe), x), { atol: 1e-8, rtol: 1e-6, name: 'dx' });
  });
});
