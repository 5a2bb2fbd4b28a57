import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { crossEntropyForward, crossEntropyBackward, meanLoss } from '../../src/kernels/crossentropy';
import { rowVariants } from '../../src/kernels/reduce';
import { crossEntropyForwardRef, crossEntropyBackwardRef, meanLossRef } from '../../src/kernels/crossentropy.ref';

// lse ≈ 5..16 here (logits of std 3), so one f32 ulp of it is ≤ 1e-6. Its sum of V terms in [0, 1]
// is taken per lane in blocks of ≤ 64 terms that are then added (one lane per row in the thread
// geometry: ≤ 786 block sums at V = 50257; fewer per lane plus a tree in the others), a random-walk
// relative error of ≈ 2^−24·(8 + √786) ≈ 2e-6 at most. Measured max |Δ| on both adapters and all
// row geometries: lse 6.8e-7, losses 1.2e-6 (lse − logit adds one rounding). atol 5e-6.
const LOSS_TOL = { atol: 5e-6, rtol: 0 };
// dlogits = g·(exp(x − lse) − onehot), |g| ≤ 2: |Δ| ≲ |g|·p·(|Δlse| + a few ulps of exp).
// Measured max 7.6e-7 on both adapters; atol 2e-6 (relative checks fail near the onehot cancellation).
const GRAD_TOL = { atol: 2e-6, rtol: 0 };

function makeProblem(N: number, V: number, seed: number) {
  const rng = new Rng(seed);
  const logits = rng.normals(N * V, 3);
  const targets = new Int32Array(N);
  for (let r = 0; r < N; r++) targets[r] = r % 4 === 1 ? -1 : rng.int(V);
  const rowGrad = rng.floats(N, 0.1, 2);
  return { logits, targets, rowGrad };
}

describe('crossentropy', () => {
  // Every row geometry the device has (rowVariants) runs every case: scalar rows (V % 4 ≠ 0) and
  // vec4 packs (80, 1000), rows around a thread workgroup (32, 33) and a subgroup workgroup (16, 17),
  // and 50257 (a workgroup per row in the tree geometry).
  for (const [N, V] of [[37, 65], [5, 3], [9, 300], [37, 1000], [3, 50257], [33, 80], [17, 4], [32, 81]]) {
    it(`forward, backward (separate and in place) match the reference, N=${N} V=${V}`, async () => {
      const gpu = await testGpu();
      const { logits, targets, rowGrad } = makeProblem(N, V, N * 7919 + V);
      const ref = crossEntropyForwardRef(logits, targets, N, V);
      const dref = crossEntropyBackwardRef(logits, targets, rowGrad, N, V);
      const TGT = gpu.upload(targets), RG = gpu.upload(rowGrad);
      for (const variant of rowVariants(gpu)) {
        const LOG = gpu.upload(logits);
        const LOSS = gpu.buffer(N * 4), LSE = gpu.buffer(N * 4), DLOG = gpu.buffer(N * V * 4);
        await gpu.scoped('crossentropy', () => {
          const enc = gpu.encoder('ce-test');
          enc.clear(LOSS).clear(LSE).clear(DLOG);
          crossEntropyForward(gpu, enc, { logits: LOG, targets: TGT, losses: LOSS, lse: LSE, N, V, variant });
          crossEntropyBackward(gpu, enc, { logits: LOG, targets: TGT, lse: LSE, rowGrad: RG, dlogits: DLOG, N, V, variant });
          crossEntropyBackward(gpu, enc, { logits: LOG, targets: TGT, lse: LSE, rowGrad: RG, dlogits: LOG, N, V, variant });
          enc.submit();
        });
        expectAllClose(await gpu.readF32(LSE, N), ref.lse, { ...LOSS_TOL, name: `lse (${variant})` });
        expectAllClose(await gpu.readF32(LOSS, N), ref.losses, { ...LOSS_TOL, name: `losses (${variant})` });
        const separate = await gpu.readF32(DLOG, N * V);
        expectAllClose(separate, dref, { ...GRAD_TOL, name: `dlogits (${variant})` });
        // In place computes exactly the same thing from the same inputs (atol = rtol = 0: bitwise).
        expectAllClose(await gpu.readF32(LOG, N * V), separate, { atol: 0, rtol: 0, name: `in-place dlogits (${variant})` });
        gpu.release(LOG, LOSS, LSE, DLOG);
      }
      gpu.release(TGT, RG);
    });
  }

  it('meanLoss averages counted rows and fills rowGrad on the GPU', async () => {
    const gpu = await testGpu();
    const N = 301, V = 40;
    const { logits, targets } = makeProblem(N, V, 3);
    targets[0] = V; // out of range counts as ignored, like −1
    const LOG = gpu.upload(logits), TGT = gpu.upload(targets);
    const LOSS = gpu.buffer(N * 4), LSE = gpu.buffer(N * 4), OUT = gpu.buffer(4), RG = gpu.buffer(N * 4), DLOG = gpu.buffer(N * V * 4);
    const enc = gpu.encoder('ce-mean');
    crossEntropyForward(gpu, enc, { logits: LOG, targets: TGT, losses: LOSS, lse: LSE, N, V });
    meanLoss(gpu, enc, { losses: LOSS, targets: TGT, out: OUT, N, V, rowGrad: RG, gradScale: 0.5 });
    crossEntropyBackward(gpu, enc, { logits: LOG, targets: TGT, lse: LSE, rowGrad: RG, dlogits: DLOG, N, V });
    enc.submit();
    const losses = await gpu.readF32(LOSS, N);
    const ref = meanLossRef(losses, targets, V, 0.5);
    const counted = targets.filter((t) => t >= 0 && t < V).length;
    expect(counted).toBeLessThan(N);
    // Mean of ≤ 301 values ~ 3: fixed-order f32 sum, ~(N/64 + 6)·2^−24 relative.
    expectAllClose(await gpu.readF32(OUT, 1), [ref.mean], { atol: 0, rtol: 2e-6, name: 'mean loss' });
    // gradScale / count is one f32 division: correctly rounded within 2.5 ulp (WGSL's bound).
    expectAllClose(await gpu.readF32(RG, N), ref.rowGrad, { atol: 0, rtol: 3e-7, name: 'rowGrad' });
    // GRAD_TOL was sized for |g| ≤ 2; the error scales with g = 0.5 / count.
    expectAllClose(await gpu.readF32(DLOG, N * V), crossEntropyBackwardRef(logits, targets, ref.rowGrad, N, V), { atol: (GRAD_TOL.atol * 0.5) / counted / 2, rtol: 0, name: 'dlogits of the mean' });
    gpu.release(LOG, TGT, LOSS, LSE, OUT, RG, DLOG);
  });

  it('meanLoss is 0 with a zero rowGrad when every target is ignored', async () => {
    const gpu = await testGpu();
    const N = 70;
    const LOSS = gpu.upload(new Float32Array(N).fill(2)), TGT = gpu.upload(new Int32Array(N).fill(-1));
    const OUT = gpu.upload(new Float32Array([7])), RG = gpu.upload(new Float32Array(N).fill(7));
    const enc = gpu.encoder('ce-mean-empty');
    meanLoss(gpu, enc, { losses: LOSS, targets: TGT, out: OUT, N, V: 10, rowGrad: RG });
    enc.submit();
    expect(Array.from(await gpu.readF32(OUT, 1))).toEqual([0]);
    expect(Array.from(await gpu.readF32(RG, N))).toEqual(new Array(N).fill(0));
    gpu.release(LOSS, TGT, OUT, RG);
  });

  it('forward and meanLoss are bit-identical across runs', async () => {
    const gpu = await testGpu();
    const N = 13, V = 4099;
    const { logits, targets } = makeProblem(N, V, 17);
    const LOG = gpu.upload(logits), TGT = gpu.upload(targets);
    for (const variant of rowVariants(gpu)) {
      const runs: Uint32Array[] = [];
      for (let k = 0; k < 2; k++) {
        const LOSS = gpu.buffer(N * 4), LSE = gpu.buffer(N * 4), OUT = gpu.buffer(4);
        await gpu.scoped('crossentropy', () => {
          const enc = gpu.encoder('ce-determinism');
          enc.clear(LSE).clear(OUT); // pooled buffers: make sure run 2 does not just see run 1's values
          crossEntropyForward(gpu, enc, { logits: LOG, targets: TGT, losses: LOSS, lse: LSE, N, V, variant });
          meanLoss(gpu, enc, { losses: LOSS, targets: TGT, out: OUT, N, V });
          enc.submit();
        });
        runs.push(new Uint32Array([...await gpu.readU32(LSE, N), ...await gpu.readU32(OUT, 1)]));
        gpu.release(LOSS, LSE, OUT);
      }
      expect(runs[1], variant).toEqual(runs[0]);
    }
    gpu.release(LOG, TGT);
  });

  it('backward reference matches finite differences of Σ rowGrad·losses', () => {
    const N = 4, V = 6;
    const { logits, targets, rowGrad } = makeProblem(N, V, 23);
    const d = crossEntropyBackwardRef(logits, targets, rowGrad, N, V);
    const f = (x: Float64Array) => dot(crossEntropyForwardRef(x, targets, N, V).losses, rowGrad);
    expectAllClose(d, numericGrad(f, logits), { atol: 1e-8, name: 'dlogits' });
  });
});
