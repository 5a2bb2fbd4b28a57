// The GAE reference (src/kernels/rl-ppo.ref.ts) against the textbook closed form
// A_t = Σ_l (γλ)^l δ_{t+l}, computed independently in float64, and its limiting cases.
import { describe, it, expect } from 'vitest';
import { gaeRef, whitenRef } from '../../src/kernels/rl-ppo.ref';
import { expectAllClose } from '../helpers/allclose';
import { Rng } from '../../src/util/rng';

function problem(B: number, T: number, seed: number) {
  const rng = new Rng(seed), V = 11, N = B * T;
  const targets = new Int32Array(N).fill(-1);
  for (let b = 0; b < B; b++) {
    const start = rng.int(T - 1), end = start + 1 + rng.int(T - start);
    for (let t = start; t < end; t++) targets[b * T + t] = rng.int(V);
  }
  return {
    targets, oldNll: rng.floats(N, 0, 3), refNll: rng.floats(N, 0, 3), values: rng.normals(N), scores: rng.normals(B, 3),
    B, T, V, gamma: 0.97, lambda: 0.9, klCoef: 0.1, scoreClip: 2.5,
  };
}

/** δ and A by the closed form over each sequence's response rows (a plain double loop). */
function closedForm(p: ReturnType<typeof problem>) {
  const adv = new Float64Array(p.B * p.T);
  for (let b = 0; b < p.B; b++) {
    const rows = [...Array(p.T).keys()].map((t) => b * p.T + t).filter((i) => p.targets[i] >= 0);
    const reward = rows.map((i, k) => -p.klCoef * (p.refNll[i] - p.oldNll[i]) + (k === rows.length - 1 ? Math.max(-p.scoreClip, Math.min(p.scoreClip, p.scores[b])) : 0));
    const delta = rows.map((i, k) => reward[k] + p.gamma * (k + 1 < rows.length ? p.values[rows[k + 1]] : 0) - p.values[i]);
    rows.forEach((i, k) => {
      let s = 0;
      for (let l = 0; k + l < rows.length; l++) s += (p.gamma * p.lambda) ** l * delta[k + l];
      adv[i] = s;
    });
  }
  return adv;
}

describe('GAE reference', () => {
  it('matches the closed form Σ (γλ)^l δ_{t+l} on random inputs', () => {
    for (const seed of [1, 2, 3]) {
      const p = problem(6, 13, seed);
      const ref = gaeRef(p);
      expectAllClose(ref.adv, closedForm(p), { atol: 1e-12, rtol: 1e-12, name: `advantages (seed ${seed})` });
      expectAllClose(ref.returns, ref.adv.map((a, i) => (p.targets[i] >= 0 ? a + p.values[i] : 0)), { atol: 1e-12, rtol: 0, name: 'returns' });
    }
  });

  it('with γ = λ = 1 the return is the sum of future rewards (the value baseline cancels)', () => {
    const p = { ...problem(4, 9, 7), gamma: 1, lambda: 1 };
    const ref = gaeRef(p);
    for (let b = 0; b < p.B; b++) {
      let future = 0;
      for (let t = p.T - 1; t >= 0; t--) {
        const i = b * p.T + t;
        if (p.targets[i] < 0) continue;
        future += ref.rewards[i];
        expect(ref.returns[i]).toBeCloseTo(future, 10);
      }
    }
  });

  it('whitening gives zero mean and unit variance over response tokens, zero elsewhere', () => {
    const p = problem(5, 11, 9);
    const w = whitenRef(gaeRef(p).adv, p.targets, p.V);
    const kept = [...w].filter((_, i) => p.targets[i] >= 0);
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const variance = kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(variance).toBeCloseTo(1, 6);
    expect(w.every((x, i) => p.targets[i] >= 0 || x === 0)).toBe(true);
  });
});
