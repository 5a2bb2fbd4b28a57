import { describe, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { swigluForward, swigluBackward } from '../../src/kernels/swiglu';
import { swigluForwardRef, swigluBackwardRef } from '../../src/kernels/swiglu.ref';

describe('swiglu', () => {
  // rows · H not a multiple of 256, and H odd so gate and up halves straddle workgroups unevenly.
  for (const [rows, H] of [[1, 1], [37, 45], [65, 301], [3, 2000]]) {
    it(`forward and backward match the reference, rows=${rows} H=${H}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(rows * 1000 + H);
      // Gates include large magnitudes (±60), where a naive 1 / (1 + exp(−g)) overflows.
      const x = rng.normals(rows * 2 * H, 2).map((v, i) => (i % 7 === 2 ? rng.uniform(-60, 60) : v));
      const dy = rng.normals(rows * H);
      const [X, Y, DY, DX] = [x, new Float32Array(rows * H), dy, new Float32Array(rows * 2 * H).fill(7)].map((a) => gpu.upload(a));
      const enc = gpu.encoder('swiglu-test');
      swigluForward(gpu, enc, { x: X, y: Y, rows, H });
      swigluBackward(gpu, enc, { x: X, dy: DY, dx: DX, rows, H });
      enc.submit();
      // One exp and a few roundings per value, measured ≤ 1e-6 relative; values reach |g·u| ~ 10^3
      // with the ±60 gates, so the bound is relative, with an atol for results that are ≈ 0.
      expectAllClose(await gpu.readF32(Y, rows * H), swigluForwardRef(x, rows, H), { atol: 1e-7, rtol: 5e-6, name: 'y' });
      // dg has 1 + g(1 − σ(g)), which cancels near g ≈ −1.28: measured ≤ 3.3e-5 relative there,
      // and those values are small, so the atol (at |dy| ~ 1) carries them.
      expectAllClose(await gpu.readF32(DX, rows * 2 * H), swigluBackwardRef(x, dy, rows, H), { atol: 1e-6, rtol: 1e-5, name: 'dx' });
      gpu.release(X, Y, DY, DX);
    });
  }

  it('backward reference matches finite differences', () => {
    const rng = new Rng(4);
    const rows = 3, H = 5;
    const x = rng.normals(rows * 2 * H, 2), probe = rng.normals(rows * H);
    x[1] = -30; x[2] = 30;
    expectAllClose(swigluBackwardRef(x, probe, rows, H), numericGrad((v) => dot(swigluForwardRef(v, rows, H), probe), x), { atol: 1e-7, rtol: 1e-6, name: 'dx' });
  });
});
