// The whole GPU model against an implementation nobody here wrote the autodiff of: the same GPT in
// TensorFlow.js ops, differentiated by tf.grads on TF.js's CPU backend (tests/oracle).
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { gpuLossAndGrads, maxAbs } from './gpu-grads';
import { makeConfig, presetConfig, LLAMA_STYLE, type ModelConfig } from '../../src/model/config';
import { expectedShapes } from '../../src/model/params';
import { paramShapes } from '../oracle/config';
import { randomParams, randomBatch } from '../oracle/fixtures';
import { tfGptLoss } from '../oracle/tf-gpt';

// The `tiny` preset (2 layers, d=128, 4 heads, T=64) with a vocabulary that is not a multiple of
// anything, in both styles. Llama style uses grouped-query heads (4 query heads on 2 kv heads).
const VOCAB = 67;
const STYLES: Record<string, ModelConfig> = {
  gpt2: presetConfig('tiny', { vocabSize: VOCAB }),
  llama: presetConfig('tiny', { ...LLAMA_STYLE, nKvHead: 2, vocabSize: VOCAB }),
  // A Llama checkpoint with attention_bias true and mlp_bias false (src/hf imports those).
  'llama-attention-bias': presetConfig('tiny', { ...LLAMA_STYLE, nKvHead: 2, vocabSize: VOCAB, bias: true, mlpBias: false }),
};

describe('GPT against the TensorFlow.js oracle', () => {
  for (const [style, config] of Object.entries(STYLES)) {
    it(`${style}: parameter names and shapes agree with the spec`, () => {
      const ours = expectedShapes(config);
      const theirs = Object.fromEntries(paramShapes(config));
      expect(ours).toEqual(theirs);
    });

    // The LM head unfused (full logits) and fused with a scratch of 128 × 64 floats: forward then
    // backward take the 67-word vocabulary in two blocks (64 + 3), one pass (LmTrainer's) the 128
    // rows in two blocks of 64. The tied head (gpt2) and lm_head.weight (llama).
    const fused = { fused: true, budgetBytes: 4 * 128 * 64 };
    for (const [head, headOptions, onePass] of [['unfused', {}, false], ['fused head', fused, false], ['fused head, one pass', fused, true]] as const)
    it(`${style}, ${head}: loss and every parameter gradient match (tiny, B=2, T=64, some targets ignored)`, async () => {
      const gpu = await testGpu();
      const B = 2, T = 64;
      const params = randomParams(config, 11);
      const batch = randomBatch(config, B, T, 12, [0, 5, 63, 64, 100]);
      const ref = tfGptLoss(config, params, batch.tokens, batch.targets, B, T);
      const ours = await gpuLossAndGrads(gpu, config, params, batch.tokens, batch.targets, B, T, headOptions, onePass);
      ours.model.destroy();
      console.log(`[oracle ${style}, ${head}] loss gpu ${ours.loss} tf ${ref.loss}`);
      // f32 on both sides, different summation orders: the loss agrees to ~1e-6 relative.
      expect(Math.abs(ours.loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(ref.loss));
      // Gradients: each element within 1e-4 of the largest gradient plus 1e-3 relative.
      // (f32 accumulations over B·T = 128 rows and d = 128 columns; measured worst case is logged.)
      const scale = maxAbs(ref.grads);
      let worst = 0;
      for (const name of Object.keys(ref.grads)) {
        const g = ours.grads[name], r = ref.grads[name];
        for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(g[i] - r[i]) / scale);
        expectAllClose(g, r, { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
      }
      console.log(`[oracle ${style}, ${head}] max |grad diff| / max |grad| = ${worst.toExponential(2)} (max |grad| ${scale.toExponential(2)})`);
    });
  }

  it('rejects a config with unknown keys or bad values', () => {
    expect(() => makeConfig({ nLayers: 3 } as never)).toThrow(/Unknown model setting "nLayers"/);
    expect(() => makeConfig({ nHead: 3, dModel: 128 })).toThrow(/divisible/);
    expect(() => makeConfig({ norm: 'batchnorm' } as never)).toThrow(/norm must be one of/);
  });
});
