// Ten optimizer steps of the GPU trainer against the TF.js oracle's AdamW (PyTorch semantics).
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { Gpt } from '../../src/model/gpt';
import { LmTrainer } from '../../src/train/lm-trainer';
import { randomBatch } from '../oracle/fixtures';
import { tfAdamWSteps } from '../oracle/tf-adamw';

const STEPS = 10;
const hyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };
const lrs = Array.from({ length: STEPS }, (_, k) => 3e-3 * (k + 1) / STEPS); // a warmup ramp

describe('ten AdamW steps against the oracle', () => {
  for (const [style, overrides] of [['gpt2', {}], ['llama', { ...LLAMA_STYLE, nKvHead: 2 }]] as const) {
    it(`${style}: per-step losses and gradient norms match`, async () => {
      const gpu = await testGpu();
      const config = presetConfig('tiny', { ...overrides, vocabSize: 67 });
      const B = 2, T = 32;
      const params = initParams(config, 5);
      // Two batches, alternating: different data each step, and something to learn (memorise).
      const batches = Array.from({ length: STEPS }, (_, k) => randomBatch(config, B, T, 100 + (k % 2), [3, 40]));
      const ref = tfAdamWSteps(config, params, batches, { lr: lrs, beta1: hyper.beta1, beta2: hyper.beta2, eps: hyper.eps, weightDecay: hyper.weightDecay, maxNorm: hyper.gradClip });
      const model = new Gpt(gpu, config, params);
      const trainer = new LmTrainer(gpu, model, B, T, 1, hyper, STEPS);
      const results = [];
      for (let k = 0; k < STEPS; k++) results.push(...await trainer.step([{ inputs: batches[k].tokens, targets: batches[k].targets }], lrs[k]));
      expect(results.length).toBe(STEPS);
      const worst = { loss: 0, norm: 0 };
      results.forEach((r, k) => {
        worst.loss = Math.max(worst.loss, Math.abs(r.loss - ref.losses[k]) / ref.losses[k]);
        worst.norm = Math.max(worst.norm, Math.abs(r.gradNorm - ref.gradNorms[k]) / ref.gradNorms[k]);
      });
      console.log(`[adamw ${style}] losses gpu ${results.map((r) => r.loss.toFixed(5)).join(' ')}\n  tf ${ref.losses.map((l) => l.toFixed(5)).join(' ')}\n  worst rel loss diff ${worst.loss.toExponential(2)}, grad norm ${worst.norm.toExponential(2)}`);
      // f32 engines with different reduction orders; AdamW's sqrt(v) amplifies tiny gradient
      // differences, compounding over 10 steps; measured worst: 2e-7 (loss), 1.5e-6 (norm).
      expect(worst.loss).toBeLessThan(1e-5);
      expect(worst.norm).toBeLessThan(1e-4);
      expect(results[STEPS - 1].loss).toBeLessThan(results[1].loss - 0.05); // same batch 8 steps later: learned
      trainer.destroy();
      model.destroy();
    });
  }
});
