// LmTrainer behaviour beyond matching the oracle: gradient accumulation, non-finite steps, and the
// KV-cache sampler agreeing with the full forward pass.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { Gpt } from '../../src/model/gpt';
import { LmTrainer } from '../../src/train/lm-trainer';
import { KvSampler } from '../../src/model/sampler';
import { randomBatch } from '../oracle/fixtures';
import { tfGptForward } from '../oracle/tf-gpt';

const hyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };
const small = presetConfig('tiny', { dModel: 64, nHead: 4, nKvHead: 4, contextLength: 16, vocabSize: 37 });

describe('LmTrainer', () => {
  it('two accumulated micro-batches of 2 equal one batch of 4', async () => {
    const gpu = await testGpu();
    const T = 16, params = initParams(small, 2);
    const full = randomBatch(small, 4, T, 21);
    const half = (k: number) => ({ inputs: full.tokens.slice(k * 2 * T, (k + 1) * 2 * T), targets: full.targets.slice(k * 2 * T, (k + 1) * 2 * T) });
    const m1 = new Gpt(gpu, small, params), t1 = new LmTrainer(gpu, m1, 4, T, 1, hyper, 1);
    const m2 = new Gpt(gpu, small, params), t2 = new LmTrainer(gpu, m2, 2, T, 2, hyper, 1);
    const [r1] = await t1.step([{ inputs: full.tokens, targets: full.targets }], 1e-2);
    const [r2] = await t2.step([half(0), half(1)], 1e-2);
    // Same counted tokens per micro-batch, so the mean of means is the full mean.
    expect(Math.abs(r1.loss - r2.loss)).toBeLessThan(1e-6 * r1.loss);
    expect(Math.abs(r1.gradNorm - r2.gradNorm)).toBeLessThan(1e-5 * r1.gradNorm);
    const w1 = await m1.readWeights(), w2 = await m2.readWeights();
    // Adam divides by sqrt(v): where a gradient is ~0, its rounding differences move the weight by up
    // to ~lr·Δg/|g| (measured 1.1e-6 at lr 1e-2), so the bound is absolute, a thousandth of lr.
    for (const name of Object.keys(w1)) expectAllClose(w2[name], w1[name], { atol: 1e-5, rtol: 1e-5, name });
    t1.destroy(); t2.destroy(); m1.destroy(); m2.destroy();
  });

  it('skips the update and reports it when the gradient is not finite', async () => {
    const gpu = await testGpu();
    const params = initParams(small, 3);
    params['h.0.attn.proj.weight'][5] = NaN; // poisons the loss and every gradient downstream
    const model = new Gpt(gpu, small, params);
    const trainer = new LmTrainer(gpu, model, 2, 16, 1, hyper, 1);
    const b = randomBatch(small, 2, 16, 4);
    const [r] = await trainer.step([{ inputs: b.tokens, targets: b.targets }], 1e-2);
    expect(r.skipped).toBe(true);
    expect(Number.isFinite(r.gradNorm)).toBe(false);
    const after = await model.readWeights();
    for (const name of Object.keys(params)) expectAllClose(after[name].map((x) => (Number.isNaN(x) ? 0 : x)), params[name].map((x) => (Number.isNaN(x) ? 0 : x)), { atol: 0, rtol: 0, name });
    trainer.destroy(); model.destroy();
  });
});

describe('KV-cache sampler', () => {
  for (const [style, config] of [['gpt2', small], ['llama', { ...small, ...LLAMA_STYLE, nKvHead: 2 }]] as const) {
    it(`${style}: greedy generation follows the full forward pass's argmax at every step`, async () => {
      const gpu = await testGpu();
      const params = initParams(config, 8);
      // Larger weights than init, so the argmax is decisive rather than a near-tie.
      for (const k of Object.keys(params)) if (params[k].length > config.dModel) params[k] = params[k].map((x) => x * 20);
      const model = new Gpt(gpu, config, params);
      const sampler = new KvSampler(model);
      const prompt = [3, 14, 15, 9, 2];
      const out = await sampler.generate(prompt, { temperature: 0, topK: 0, topP: 1, maxTokens: 8, seed: 1 });
      expect(out.length).toBe(8);
      // Oracle: the full sequence through TF.js; each generated token is the argmax after its prefix.
      const seq = [...prompt, ...out];
      const T = seq.length - 1;
      const { logits } = tfGptForward(config, params, Int32Array.from(seq.slice(0, T)), new Int32Array(T).fill(-1), 1, T);
      const V = config.vocabSize;
      for (let k = 0; k < out.length; k++) {
        const row = logits.subarray((prompt.length - 1 + k) * V, (prompt.length + k) * V);
        const best = row.indexOf(Math.max(...row));
        expect(out[k], `token ${k}`).toBe(best);
      }
      sampler.destroy(); model.destroy();
    });
  }

  it('slides its window when the context is full and keeps generating', async () => {
    const gpu = await testGpu();
    const model = new Gpt(gpu, small, initParams(small, 9));
    const sampler = new KvSampler(model);
    const out = await sampler.generate([1, 2, 3], { temperature: 1, topK: 5, topP: 0.9, maxTokens: 40, seed: 5 });
    expect(out.length).toBe(40); // 3 + 40 > context 16
    for (const id of out) expect(id).toBeLessThan(small.vocabSize);
    sampler.destroy(); model.destroy();
  });
});
