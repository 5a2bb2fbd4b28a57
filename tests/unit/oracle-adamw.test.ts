// tfAdamWSteps against PyTorch's AdamW and clip_grad_norm_ written out in closed form over two steps
// (float64), using the oracle's own gradients at each step's parameters.
// Tolerance |got − want| ≤ 1e-6 + 1e-6·|want|: parameters are O(1) and stored as f32 (ulp ~1e-7;
// the largest difference measured was 1.1e-7), and the moments' f32 storage moves an update of
// size ~lr = 1e-2 by ~1e-9.
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/allclose';
import { initParams, type Params } from '../oracle/config';
import { gpt2Tiny, llamaTiny, randomBatch, randomParams } from '../oracle/fixtures';
import { tfAdamWSteps, type AdamWHyper } from '../oracle/tf-adamw';
import { ensureCpu, tfGptLoss } from '../oracle/tf-gpt';

ensureCpu();
const config = gpt2Tiny;
const [B, T] = [2, 7];
const norm = (grads: Params): number => Math.sqrt(Object.values(grads).reduce((a, g) => a + g.reduce((s, x) => s + x * x, 0), 0));
// Decay applies to matrices and embeddings only: written from the names, not from the shape table.
const decays = (name: string): boolean => !name.endsWith('.bias') && !/(^|\.)ln[12f]\.weight$/.test(name);

describe('tfAdamWSteps (PyTorch AdamW semantics)', () => {
  const p0 = randomParams(config, 3);
  const batches = [randomBatch(config, B, T, 1, [2]), randomBatch(config, B, T, 2)];
  const first = tfGptLoss(config, p0, batches[0].tokens, batches[0].targets, B, T);
  const hyper: AdamWHyper = { lr: [1e-2, 5e-3], beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxNorm: 0.5 * norm(first.grads) };

  it('two steps with clipping, decoupled decay and bias correction match the closed form', () => {
    const { beta1: b1, beta2: b2, eps, weightDecay: wd, maxNorm } = hyper;
    const [lr1, lr2] = hyper.lr as number[];
    const one = tfAdamWSteps(config, p0, batches.slice(0, 1), hyper);
    const two = tfAdamWSteps(config, p0, batches, hyper);
    const second = tfGptLoss(config, one.params, batches[1].tokens, batches[1].targets, B, T);
    const c1 = Math.min(1, maxNorm / (norm(first.grads) + 1e-6));
    const c2 = Math.min(1, maxNorm / (norm(second.grads) + 1e-6));
    expect(c1).toBeLessThan(1); // the first step really clips
    expect(two.losses).toEqual([first.loss, second.loss]);
    expectAllClose(two.gradNorms, [norm(first.grads), norm(second.grads)], { atol: 0, rtol: 1e-12, name: 'grad norms' });
    for (const name of Object.keys(p0)) {
      const want1: number[] = [];
      const want2: number[] = [];
      p0[name].forEach((x0, i) => {
        const [g1, g2] = [c1 * first.grads[name][i], c2 * second.grads[name][i]];
        const [m1, v1] = [(1 - b1) * g1, (1 - b2) * g1 * g1];
        want1.push(x0 * (decays(name) ? 1 - lr1 * wd : 1) - ((lr1 / (1 - b1)) * m1) / (Math.sqrt(v1 / (1 - b2)) + eps));
        const [m2, v2] = [b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 * g2];
        const x1 = one.params[name][i];
        want2.push(x1 * (decays(name) ? 1 - lr2 * wd : 1) - ((lr2 / (1 - b1 ** 2)) * m2) / (Math.sqrt(v2 / (1 - b2 ** 2)) + eps));
      });
      expectAllClose(one.params[name], want1, { atol: 1e-6, rtol: 1e-6, name: `${name} after step 1` });
      expectAllClose(two.params[name], want2, { atol: 1e-6, rtol: 1e-6, name: `${name} after step 2` });
    }
  });

  it('leaves the input untouched and rejects too few learning rates', () => {
    const copy = Object.fromEntries(Object.entries(p0).map(([k, v]) => [k, Float32Array.from(v)]));
    tfAdamWSteps(config, p0, batches.slice(0, 1), hyper);
    expect(p0).toEqual(copy);
    expect(() => tfAdamWSteps(config, p0, batches, { ...hyper, lr: [1e-3] })).toThrow(/1 learning rates for 2 steps/);
  });

  it('fits one Llama-style batch from the GPT-2 init', () => {
    const batch = randomBatch(llamaTiny, 1, 8, 9);
    const hyper2: AdamWHyper = { lr: 3e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, maxNorm: 1 };
    const { losses } = tfAdamWSteps(llamaTiny, initParams(llamaTiny, 1), Array(30).fill(batch), hyper2);
    expect(losses[0]).toBeCloseTo(Math.log(llamaTiny.vocabSize), 1); // near-uniform predictions at init
    expect(losses[29]).toBeLessThan(0.5 * losses[0]); // measured: 2.95 → 0.83
  });
});
