// The RL loss kernels (src/kernels/rl-ppo.ts, rl-dpo.ts) against their float64 CPU references on
// shapes that are not multiples of the 64-wide workgroups, and the references' gradients against
// finite differences. (Kernel tests: run on both adapters, see the report for llvmpipe.)
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { rlPolicyLoss, rlValueLoss, rlGae, rlWhiten, POLICY_STATS, VALUE_STATS } from '../../src/kernels/rl-ppo';
import { policyLossRef, valueLossRef, gaeRef, whitenRef } from '../../src/kernels/rl-ppo.ref';
import { rlSeqLogp, rlDpoLoss, DPO_STATS } from '../../src/kernels/rl-dpo';
import { seqLogpRef, dpoLossRef } from '../../src/kernels/rl-dpo.ref';

const V = 23;

/** A (B, T) batch: a prompt of 1..T/2 rows (target −1), a response, then padding (−1). */
function makeRows(B: number, T: number, rng: Rng) {
  const N = B * T;
  const targets = new Int32Array(N).fill(-1);
  for (let b = 0; b < B; b++) {
    const start = 1 + rng.int(Math.floor(T / 2));
    const end = Math.min(T, start + 1 + rng.int(T - start));
    for (let t = start; t < end; t++) targets[b * T + t] = rng.int(V);
  }
  const losses = rng.floats(N, 0.1, 4);
  const near = (x: Float32Array, s: number) => Float32Array.from(x, (v) => v + s * rng.normal());
  return { N, targets, losses, oldNll: near(losses, 0.3), refNll: near(losses, 0.5), adv: rng.normals(N) };
}

// f32 exp and a handful of roundings per token; measured |Δ| ≲ 1e-7 relative to values ~1/n.
const GRAD_TOL = { atol: 1e-8, rtol: 2e-5 };
// Means of N ≤ 500 f32 terms in a fixed tree: relative error ≲ N·2^-24 ≈ 3e-5 in the worst case.
const STAT_TOL = { atol: 1e-6, rtol: 5e-5 };

describe('RL policy and value losses', () => {
  for (const [B, T, kl] of [[3, 37, 0], [7, 29, 0.1], [9, 5, 0.05]] as const) {
    it(`policy loss (clip 0.2, KL coef ${kl}) and value loss match the references, B=${B} T=${T}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(B * 100 + T);
      const d = makeRows(B, T, rng);
      const values = rng.normals(d.N), oldValues = Float32Array.from(values, (v) => v + 0.3 * rng.normal()), returns = rng.normals(d.N);
      const up = (x: Float32Array | Int32Array) => gpu.upload(x);
      const [L, TG, O, A, R, VA, OV, RE] = [d.losses, d.targets, d.oldNll, d.adv, d.refNll, values, oldValues, returns].map(up);
      const RG = gpu.buffer(4 * d.N), DV = gpu.buffer(4 * d.N), ST = gpu.buffer(4 * 16);
      const enc = gpu.encoder('rl-loss-test');
      rlPolicyLoss(gpu, enc, { losses: L, targets: TG, oldNll: O, adv: A, refNll: R, rowGrad: RG, stats: ST, statsOffset: 3, N: d.N, V, clip: 0.2, klCoef: kl, gradScale: 0.5 });
      rlValueLoss(gpu, enc, { values: VA, targets: TG, oldValues: OV, returns: RE, dValues: DV, stats: ST, statsOffset: 9, N: d.N, V, clip: 0.2, coef: 0.1 });
      enc.submit();
      const pol = policyLossRef({ ...d, V, clip: 0.2, klCoef: kl, gradScale: 0.5 });
      const val = valueLossRef({ values, targets: d.targets, oldValues, returns, V, clip: 0.2, coef: 0.1 });
      expectAllClose(await gpu.readF32(RG, d.N), pol.rowGrad, { ...GRAD_TOL, name: 'rowGrad' });
      expectAllClose(await gpu.readF32(DV, d.N), val.dValues, { ...GRAD_TOL, name: 'dValues' });
      const stats = await gpu.readF32(ST, 16);
      expectAllClose(stats.subarray(3, 3 + POLICY_STATS), pol.stats, { ...STAT_TOL, name: 'policy stats' });
      expectAllClose(stats.subarray(9, 9 + VALUE_STATS), val.stats, { ...STAT_TOL, name: 'value stats' });
      expect(pol.stats[2]).toBeGreaterThan(0); // some tokens are clipped: both branches are exercised
      gpu.release(L, TG, O, A, R, VA, OV, RE, RG, DV, ST);
    });
  }

  it('the references\' gradients match finite differences', () => {
    const rng = new Rng(5);
    const d = makeRows(2, 9, rng);
    const pol = policyLossRef({ ...d, V, clip: 0.2, klCoef: 0.3, gradScale: 2 });
    const fPol = (x: Float64Array) => policyLossRef({ ...d, losses: x, V, clip: 0.2, klCoef: 0.3, gradScale: 2 }).loss;
    expectAllClose(pol.rowGrad, numericGrad(fPol, d.losses, 1e-6), { atol: 1e-7, rtol: 1e-5, name: 'policy rowGrad' });
    const values = rng.normals(d.N), oldValues = Float32Array.from(values, (v) => v + 0.3 * rng.normal()), returns = rng.normals(d.N);
    const args = { values, targets: d.targets, oldValues, returns, V, clip: 0.2, coef: 0.5 };
    const fVal = (x: Float64Array) => valueLossRef({ ...args, values: x }).loss;
    expectAllClose(valueLossRef(args).dValues, numericGrad(fVal, values, 1e-6), { atol: 1e-7, rtol: 1e-5, name: 'dValues' });
  });
});

describe('RL advantages', () => {
  for (const [B, T] of [[5, 31], [70, 9]] as const) {
    it(`GAE and whitening match the references, B=${B} T=${T}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(B + T);
      const d = makeRows(B, T, rng);
      const values = rng.normals(d.N), scores = rng.normals(B, 2);
      const args = { targets: d.targets, oldNll: d.oldNll, refNll: d.refNll, values, scores, B, T, V, gamma: 0.99, lambda: 0.95, klCoef: 0.05, scoreClip: 3 };
      const [TG, O, R, VA, SC] = [d.targets, d.oldNll, d.refNll, values, scores].map((x) => gpu.upload(x));
      const ADV = gpu.buffer(4 * d.N), RET = gpu.buffer(4 * d.N), W = gpu.buffer(4 * d.N);
      const enc = gpu.encoder('gae-test');
      rlGae(gpu, enc, { ...args, targets: TG, oldNll: O, refNll: R, values: VA, scores: SC, adv: ADV, returns: RET });
      enc.copy(ADV, W, 4 * d.N);
      rlWhiten(gpu, enc, { targets: TG, x: W, N: d.N, V });
      enc.submit();
      const ref = gaeRef(args);
      // A_t sums ≤ T discounted terms of size ~1–3 in f32: |Δ| ≲ T·2^-24·3 ≈ 1e-5 at worst.
      const tol = { atol: 1e-5, rtol: 1e-5 };
      const adv = await gpu.readF32(ADV, d.N);
      expectAllClose(adv, ref.adv, { ...tol, name: 'advantages' });
      expectAllClose(await gpu.readF32(RET, d.N), ref.returns, { ...tol, name: 'returns' });
      // Whitening the GPU's own advantages isolates the whitening kernel's error.
      expectAllClose(await gpu.readF32(W, d.N), whitenRef(adv, d.targets, V), { atol: 1e-5, rtol: 1e-5, name: 'whitened' });
      gpu.release(TG, O, R, VA, SC, ADV, RET, W);
    });
  }
});

describe('sequence log-probs and DPO', () => {
  for (const [P, T] of [[3, 17], [40, 7]] as const) {
    it(`sequence sums and the DPO loss match the references, P=${P} T=${T}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(P * 7 + T);
      const d = makeRows(2 * P, T, rng);
      const refLogp = Float32Array.from(seqLogpRef(d.refNll, d.targets, 2 * P, T, V));
      const [L, TG, RL] = [d.losses, d.targets, refLogp].map((x) => gpu.upload(x));
      const LP = gpu.buffer(4 * 2 * P), RG = gpu.buffer(4 * d.N), ST = gpu.buffer(4 * 8);
      const enc = gpu.encoder('dpo-test');
      rlSeqLogp(gpu, enc, { losses: L, targets: TG, out: LP, S: 2 * P, T, V });
      rlDpoLoss(gpu, enc, { targets: TG, logp: LP, refLogp: RL, rowGrad: RG, stats: ST, statsOffset: 2, P, T, V, beta: 0.1, gradScale: 1 });
      enc.submit();
      expectAllClose(await gpu.readF32(LP, 2 * P), seqLogpRef(d.losses, d.targets, 2 * P, T, V), { atol: 1e-5, rtol: 1e-6, name: 'sequence log-probs' });
      const ref = dpoLossRef({ losses: d.losses, targets: d.targets, refLogp, P, T, V, beta: 0.1 });
      expectAllClose(await gpu.readF32(RG, d.N), ref.rowGrad, { ...GRAD_TOL, name: 'rowGrad' });
      expectAllClose((await gpu.readF32(ST, 8)).subarray(2, 2 + DPO_STATS), ref.stats, { ...STAT_TOL, name: 'DPO stats' });
      gpu.release(L, TG, RL, LP, RG, ST);
    });
  }

  it('the DPO reference\'s gradient matches finite differences', () => {
    const rng = new Rng(11);
    const P = 3, T = 6;
    const d = makeRows(2 * P, T, rng);
    const refLogp = seqLogpRef(d.refNll, d.targets, 2 * P, T, V);
    const args = { targets: d.targets, refLogp, P, T, V, beta: 0.5, gradScale: 1.5 };
    const f = (x: Float64Array) => dpoLossRef({ ...args, losses: x }).loss;
    expectAllClose(dpoLossRef({ ...args, losses: d.losses }).rowGrad, numericGrad(f, d.losses, 1e-6), { atol: 1e-8, rtol: 1e-5, name: 'DPO rowGrad' });
  });
});
