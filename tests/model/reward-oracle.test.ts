// The reward model's loss and every gradient (body and head) against the TF.js oracle: the scalar
// head on the final hidden state, read at each row's last token, Bradley–Terry loss over pairs in
// rows (2p, 2p + 1). Real chat-rendered pairs of different lengths, padded to T.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { maxAbs } from './gpu-grads';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { RewardTrainer, HEAD_BIAS, HEAD_WEIGHT } from '../../src/train/reward-trainer';
import { DEFAULT_ADAMW } from '../../src/train/optimizer';
import { CharTokenizer } from '../../src/tokenizer';
import { chatTemplate } from '../../src/data/chat/template';
import { pairEvalBatches, tokenizePair } from '../../src/data/chat/pairs';
import { preferencePairs, taskFamilies } from '../../src/tasks';
import { randomParams } from '../oracle/fixtures';
import { tfLossOf } from '../oracle/tf-gpt';
import { Rng } from '../../src/util/rng';

describe('reward model against the oracle', () => {
  for (const [style, overrides] of [['gpt2', { nKvHead: 2 }], ['llama', { ...LLAMA_STYLE, nKvHead: 1 }]] as const) {
    it(`${style}: Bradley–Terry loss and all gradients match`, async () => {
      const gpu = await testGpu();
      const tokenizer = CharTokenizer.fromCorpus('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?+-', { byteFallback: false });
      const tpl = chatTemplate(tokenizer);
      const pairs = preferencePairs(taskFamilies('all'), { split: 'train', count: 3, seed: 5 }).map((p) => tokenizePair(tpl, p));
      const P = 3, T = 30;
      const batch = [...pairEvalBatches(pairs, { P, T, padId: tpl.end })][0];
      expect(new Set(batch.last).size).toBeGreaterThan(2); // rows of different lengths
      const config = presetConfig('tiny', { ...overrides, vocabSize: tokenizer.vocabSize, dModel: 32, nHead: 2, contextLength: 32 });
      const B = 2 * P, C = config.dModel, N = B * T;
      const params = randomParams(config, 8);
      const rng = new Rng(17);
      const weight = rng.normals(C, 0.2), bias = 0.1;

      const model = new Gpt(gpu, config, params);
      const trainer = new RewardTrainer(gpu, model, P, T, 1, DEFAULT_ADAMW, { weight, bias });
      const [loss, accuracy] = await trainer.lossAndGrads(batch);
      const grads: Record<string, Float32Array> = {
        ...(await model.readGrads()),
        [HEAD_WEIGHT]: await gpu.readF32(trainer.head.dWeight, C),
        [HEAD_BIAS]: await gpu.readF32(trainer.head.dBias, 1),
      };
      trainer.destroy(); model.destroy();

      const rows = Int32Array.from({ length: B }, (_, r) => r * T + batch.last[r]);
      const ref = tfLossOf(config, params, (ctx) => {
        const { hidden } = ctx.forward(batch.tokens, new Int32Array(N).fill(-1), B, T);
        const values = tf.add(tf.matMul(hidden, tf.reshape(ctx.extra[HEAD_WEIGHT], [C, 1])), ctx.extra[HEAD_BIAS]); // (N, 1)
        const r = tf.reshape(tf.gather(tf.reshape(values, [N]), rows), [P, 2]);
        const [chosen, rejected] = tf.split(r, 2, 1);
        return tf.mean(tf.softplus(tf.neg(tf.sub(chosen, rejected)))) as tf.Scalar;
      }, { [HEAD_WEIGHT]: weight, [HEAD_BIAS]: Float32Array.of(bias) });

      console.log(`[reward oracle ${style}] loss gpu ${loss} tf ${ref.loss}, batch accuracy ${accuracy}`);
      expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
      expect(maxAbs({ w: ref.grads[HEAD_WEIGHT] })).toBeGreaterThan(0);
      // As the model oracle test: f32 on both sides, different reduction orders.
      const scale = maxAbs(ref.grads);
      let worst = 0;
      for (const name of Object.keys(ref.grads)) {
        const g = grads[name], r = ref.grads[name];
        for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(g[i] - r[i]) / scale);
        expectAllClose(g, r, { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
      }
      console.log(`[reward oracle ${style}] max |grad diff| / max |grad| = ${worst.toExponential(2)}`);
      if (!config.tiedEmbeddings) expect(grads['lm_head.weight'].every((x) => x === 0)).toBe(true);
    });
  }
});
