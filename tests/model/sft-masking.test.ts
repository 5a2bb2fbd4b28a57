// SFT's loss mask on the GPU: prompt tokens contribute exactly nothing. The packed batch of real
// chat conversations goes through the engine (targets −1 off the assistant tokens) and through the
// TF.js oracle with the FULL next-token targets and the mask applied inside the loss — two
// independent ways to mask, which must agree on the loss and every gradient.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { maxAbs } from './gpu-grads';
import type { Gpu } from '../../src/gpu/gpu';
import { presetConfig, type ModelConfig } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { LmHead } from '../../src/model/heads';
import { planActivations, releaseActivations } from '../../src/model/activations';
import { meanLoss } from '../../src/kernels/crossentropy';
import { embeddingBuckets } from '../../src/kernels/embedding';
import { CharTokenizer } from '../../src/tokenizer';
import { chatTemplate, renderForTraining } from '../../src/data/chat/template';
import { SftBatcher, tokenized } from '../../src/data/chat/batcher';
import { randomParams } from '../oracle/fixtures';
import { tfLossOf } from '../oracle/tf-gpt';

/** Loss, all parameter gradients, and the per-row loss gradient and dlogits the engine used. */
async function engine(gpu: Gpu, config: ModelConfig, params: Record<string, Float32Array>, inputs: Int32Array, targets: Int32Array, B: number, T: number) {
  const N = B * T, V = config.vocabSize;
  const model = new Gpt(gpu, config, params);
  const acts = planActivations(gpu, config, B, T);
  const head = new LmHead(model, N);
  const tok = gpu.upload(inputs), tgt = gpu.upload(targets);
  const bk = embeddingBuckets(inputs, V);
  const buckets = gpu.upload(bk.data), lossOut = gpu.buffer(4);
  const enc = gpu.encoder('sft-grads');
  model.zeroGrads(enc);
  model.forward(enc, acts, tok);
  head.forward(enc, acts, tgt);
  meanLoss(gpu, enc, { losses: head.losses, targets: tgt, out: lossOut, N, V, rowGrad: head.rowGrad });
  head.backward(enc, acts, tgt);
  model.backward(enc, acts, { buffer: buckets, numIds: bk.numIds });
  enc.submit();
  const out = { loss: (await gpu.readF32(lossOut, 1))[0], grads: await model.readGrads(), rowGrad: await gpu.readF32(head.rowGrad, N), dlogits: await gpu.readF32(head.logits, N * V) };
  head.destroy(); releaseActivations(gpu, acts); model.destroy(); gpu.release(tok, tgt, buckets, lossOut);
  return out;
}

describe('SFT loss mask', () => {
  it('prompt tokens get exactly zero gradient, and the masked loss matches the oracle', async () => {
    const gpu = await testGpu();
    const tokenizer = CharTokenizer.fromCorpus('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?.,+=', { byteFallback: false });
    const tpl = chatTemplate(tokenizer);
    const conversations = [
      [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2 + 3?' }, { role: 'assistant', content: '5' }],
      [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there.' }, { role: 'user', content: 'Sort dcba' }, { role: 'assistant', content: 'abcd' }],
      [{ role: 'user', content: 'Name a colour' }, { role: 'assistant', content: 'Blue' }],
    ] as const;
    const examples = conversations.map((c) => tokenized(renderForTraining(tpl, c.map((m) => ({ ...m })))));
    const B = 2, T = 29;
    const config = presetConfig('tiny', { vocabSize: tokenizer.vocabSize, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 32 });
    const batch = new SftBatcher(examples, { B, T, packing: true, padId: tpl.end }, 3).next();
    const N = B * T, mask = Float32Array.from(batch.targets, (t) => (t >= 0 ? 1 : 0));
    const counted = mask.reduce((a, b) => a + b, 0);
    expect(counted).toBeGreaterThan(5);
    expect(counted).toBeLessThan(N / 2); // mostly prompt and padding: the mask matters

    // The full next-token targets: what the masked positions would predict without the mask.
    const full = Int32Array.from(batch.targets, (t, i) => (t >= 0 ? t : (i + 1) % T === 0 ? 0 : batch.inputs[i + 1]));
    const params = randomParams(config, 21);
    const ours = await engine(gpu, config, params, batch.inputs, batch.targets, B, T);

    // 1. Exactly zero from the prompt: the per-row loss gradient and the whole dlogits row.
    const V = config.vocabSize;
    for (let i = 0; i < N; i++) {
      if (mask[i]) continue;
      expect(ours.rowGrad[i], `rowGrad[${i}]`).toBe(0);
      for (let v = 0; v < V; v++) if (ours.dlogits[i * V + v] !== 0) expect.fail(`dlogits[${i}, ${v}] = ${ours.dlogits[i * V + v]} at a masked position`);
    }

    // 2. Any ignored value is the same mask: −1 → −7 gives bit-identical loss and gradients.
    const other = await engine(gpu, config, params, batch.inputs, Int32Array.from(batch.targets, (t) => (t >= 0 ? t : -7)), B, T);
    expect(other.loss).toBe(ours.loss);
    for (const name of Object.keys(ours.grads)) expect(other.grads[name], name).toEqual(ours.grads[name]);

    // 3. The oracle masks inside the loss over the full targets; changing a masked target there
    //    changes nothing either, so both oracle runs must match the engine.
    const scrambled = Int32Array.from(full, (t, i) => (mask[i] ? t : (t + 5) % V));
    for (const targets of [full, scrambled]) {
      const ref = tfLossOf(config, params, (ctx) => {
        const { logp } = ctx.forward(batch.inputs, targets, B, T);
        return tf.div(tf.neg(tf.sum(tf.mul(logp, tf.tensor1d(mask)))), counted) as tf.Scalar;
      });
      // Same tolerances as the model oracle test (f32 on both sides, different summation order).
      expect(Math.abs(ours.loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(ref.loss));
      const scale = maxAbs(ref.grads);
      for (const name of Object.keys(ref.grads)) expectAllClose(ours.grads[name], ref.grads[name], { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
      console.log(`[sft mask] loss gpu ${ours.loss} tf ${ref.loss}; ${counted}/${N} targets counted`);
    }
  });
});
