// The reward model's Bradley–Terry loss kernels against their float64 reference, and the
// reference's backward against finite differences of its forward.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { pairwiseLossForward, pairwiseLossBackward } from '../../src/kernels/pairwise-loss';
import { pairwiseLossForwardRef, pairwiseLossBackwardRef } from '../../src/kernels/pairwise-loss.ref';

/** Values spread wide (|m| up to ~60, where a naive exp would overflow) and random last indices. */
function problem(P: number, T: number, seed: number) {
  const rng = new Rng(seed);
  const values = rng.floats(2 * P * T, -30, 30);
  const last = Int32Array.from({ length: 2 * P }, () => rng.int(T));
  values[last[0]] = values[T + last[1]]; // one exact tie: counts as wrong, loss log 2
  return { values, last };
}

describe('pairwise_loss', () => {
  // P = 1, 3, and 70 (more pairs than the 64-thread workgroup); T not a multiple of anything;
  // 2P·T from 10 to 1820 crosses the 256-wide backward workgroup.
  for (const [P, T] of [[1, 5], [3, 13], [70, 13]]) {
    it(`forward and backward match the reference, P=${P}, T=${T}`, async () => {
      const gpu = await testGpu();
      const { values, last } = problem(P, T, 10 * P + T);
      const gradScale = 0.5;
      const V = gpu.upload(values), L = gpu.upload(last);
      const stats = gpu.buffer(16 * P), summary = gpu.buffer(16), dValues = gpu.upload(new Float32Array(2 * P * T).fill(7));
      const enc = gpu.encoder('pairwise-loss-test');
      pairwiseLossForward(gpu, enc, { values: V, last: L, stats, summary, P, T });
      pairwiseLossBackward(gpu, enc, { values: V, last: L, dValues, P, T, gradScale });
      enc.submit();
      const ref = pairwiseLossForwardRef(values, last, P, T);
      // f32 softplus / exp: ~1e-7 relative per pair; sums over ≤ 70 pairs in a different order.
      expectAllClose(await gpu.readF32(stats, 4 * P), ref.stats, { atol: 1e-6, rtol: 1e-5, name: 'stats' });
      expectAllClose(await gpu.readF32(summary, 4), ref.summary, { atol: 1e-5, rtol: 1e-5, name: 'summary' });
      // Every element is written: the 7s must be gone, zeros everywhere but the last tokens.
      expectAllClose(await gpu.readF32(dValues, 2 * P * T), pairwiseLossBackwardRef(values, last, P, T, gradScale), { atol: 1e-8, rtol: 1e-5, name: 'dValues' });
      gpu.release(V, L, stats, summary, dValues);
    });
  }

  it('is bit-identical from run to run', async () => {
    const gpu = await testGpu();
    const P = 70, T = 7;
    const { values, last } = problem(P, T, 3);
    const V = gpu.upload(values), L = gpu.upload(last);
    const runOnce = async () => {
      const stats = gpu.buffer(16 * P), summary = gpu.buffer(16);
      const enc = gpu.encoder();
      pairwiseLossForward(gpu, enc, { values: V, last: L, stats, summary, P, T });
      enc.submit();
      const out = await gpu.readF32(summary, 4);
      gpu.release(stats, summary);
      return out;
    };
    expect(await runOnce()).toEqual(await runOnce());
    gpu.release(V, L);
  });

  it('backward reference matches finite differences of the forward', () => {
    const P = 4, T = 3, gradScale = 1.7;
    const rng = new Rng(5);
    const values = Float64Array.from(rng.floats(2 * P * T, -3, 3));
    const last = Int32Array.from({ length: 2 * P }, () => rng.int(T));
    const loss = (v: Float64Array) => gradScale * pairwiseLossForwardRef(v, last, P, T).summary[0];
    expectAllClose(pairwiseLossBackwardRef(values, last, P, T, gradScale), numericGrad(loss, values), { atol: 1e-8, rtol: 1e-6, name: 'dValues' });
  });
});
