// PPO's and GRPO's losses (clipped ratio, clipped value loss with a value head on the policy's
// hidden states, k3 KL to a reference) and every gradient, for a fixed batch: the GPU engine with
// the rl_* kernels against the TF.js oracle differentiating the same loss written in TF ops.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { maxAbs } from './gpu-grads';
import { presetConfig, LLAMA_STYLE, type ModelConfig } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { ScalarHead } from '../../src/model/heads';
import { PolicyRunner } from '../../src/train/rl/policy';
import { rlPolicyLoss, rlValueLoss } from '../../src/kernels/rl-ppo';
import { DEFAULT_ADAMW } from '../../src/train/optimizer';
import { randomParams } from '../oracle/fixtures';
import { tfLossOf, tfGptForward } from '../oracle/tf-gpt';
import { rlBatch } from './rl-oracle-helpers';

const CLIP = 0.2, VCLIP = 0.2, VF = 0.5;
const CONFIGS: Record<string, ModelConfig> = {
  gpt2: presetConfig('tiny', { nLayer: 2, dModel: 32, nHead: 2, nKvHead: 2, vocabSize: 23, contextLength: 16 }),
  llama: presetConfig('tiny', { ...LLAMA_STYLE, nLayer: 2, dModel: 32, nHead: 4, nKvHead: 2, vocabSize: 23, contextLength: 16 }),
};

describe('PPO / GRPO losses against the TF.js oracle', () => {
  for (const [method, style] of [['ppo', 'gpt2'], ['grpo', 'llama']] as const) {
    it(`${method} (${style}): loss and every gradient match, B=3 T=13`, async () => {
      const gpu = await testGpu();
      const config = CONFIGS[style], C = config.dModel;
      const B = 3, T = 13, N = B * T;
      const params = randomParams(config, 21);
      const d = rlBatch(config, B, T, 22);
      const rng = d.rng;
      const { logp } = tfGptForward(config, params, d.tokens, d.targets, B, T);
      // Old / reference log-probs near the current ones (about a third of the ratios are clipped).
      const oldNll = Float32Array.from(logp, (x) => -x + 0.3 * rng.normal());
      const refNll = Float32Array.from(logp, (x) => -x + 0.5 * rng.normal());
      const adv = rng.normals(N);
      const w = rng.normals(C, 0.2), bias = 0.1;
      const oldValues = rng.normals(N), returns = rng.normals(N);
      const klCoef = method === 'grpo' ? 0.3 : 0;

      const ref = tfLossOf(config, params, (ctx) => {
        const out = ctx.forward(d.tokens, d.targets, B, T);
        const mask = tf.tensor1d(d.mask), A = tf.tensor1d(adv);
        const ratio = tf.exp(tf.add(out.logp, tf.tensor1d(oldNll)));
        const pg = tf.maximum(tf.neg(tf.mul(A, ratio)), tf.neg(tf.mul(A, tf.clipByValue(ratio, 1 - CLIP, 1 + CLIP))));
        let perToken = pg;
        if (method === 'grpo') {
          const dRef = tf.sub(tf.neg(tf.tensor1d(refNll)), out.logp); // log π_ref − log π
          perToken = tf.add(pg, tf.mul(klCoef, tf.sub(tf.sub(tf.exp(dRef), dRef), 1)));
        } else {
          const v = tf.reshape(tf.add(tf.matMul(out.hidden, tf.reshape(ctx.extra['head.weight'], [C, 1])), ctx.extra['head.bias']), [N]);
          const vOld = tf.tensor1d(oldValues), R = tf.tensor1d(returns);
          const vClip = tf.add(vOld, tf.clipByValue(tf.sub(v, vOld), -VCLIP, VCLIP));
          const lv = tf.mul(0.5, tf.maximum(tf.square(tf.sub(v, R)), tf.square(tf.sub(vClip, R))));
          perToken = tf.add(pg, tf.mul(VF, lv));
        }
        return tf.div(tf.sum(tf.mul(perToken, mask)), d.count) as tf.Scalar;
      }, method === 'ppo' ? { 'head.weight': w, 'head.bias': Float32Array.of(bias) } : {});

      const model = new Gpt(gpu, config, params);
      const runner = new PolicyRunner(gpu, model, B, T, DEFAULT_ADAMW);
      const head = method === 'ppo' ? new ScalarHead(gpu, C, N, { weight: w, bias }) : null;
      const [OLD, REF, ADV, OV, RET] = [oldNll, refNll, adv, oldValues, returns].map((x) => gpu.upload(x));
      const stats = gpu.buffer(4 * 8);
      runner.load(d);
      const enc = gpu.encoder('rl-oracle');
      model.zeroGrads(enc);
      head?.zeroGrads(enc);
      runner.forward(enc);
      rlPolicyLoss(gpu, enc, { losses: runner.head.losses, targets: runner.targets, oldNll: OLD, adv: ADV, refNll: REF, rowGrad: runner.head.rowGrad, stats, N, V: config.vocabSize, clip: CLIP, klCoef });
      if (head) {
        head.forward(enc, runner.acts);
        rlValueLoss(gpu, enc, { values: head.values, targets: runner.targets, oldValues: OV, returns: RET, dValues: head.dValues, stats, statsOffset: 4, N, V: config.vocabSize, clip: VCLIP, coef: VF });
        head.backward(enc, runner.acts);
      }
      runner.backward(enc);
      enc.submit();
      const st = await gpu.readF32(stats, 8);
      const loss = st[0] + klCoef * st[1] + (head ? VF * st[4] : 0);
      console.log(`[${method} oracle] loss gpu ${loss} tf ${ref.loss}; clipped fraction ${st[2].toFixed(2)}`);
      expect(st[2]).toBeGreaterThan(0.1); // both branches of the clip are exercised
      expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
      const grads: Record<string, Float32Array> = { ...(await model.readGrads()) };
      if (head) Object.assign(grads, { 'head.weight': await gpu.readF32(head.dWeight, C), 'head.bias': await gpu.readF32(head.dBias, 1) });
      // f32 on both sides, different summation orders: the model oracle's budget (measured worst 8e-6).
      const scale = maxAbs(ref.grads);
      let worst = 0;
      for (const name of Object.keys(ref.grads)) {
        const g = grads[name], r = ref.grads[name];
        for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(g[i] - r[i]) / scale);
        expectAllClose(g, r, { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
      }
      console.log(`[${method} oracle] max |grad diff| / max |grad| = ${worst.toExponential(2)}`);
      head?.destroy(); runner.destroy(); model.destroy(); gpu.release(OLD, REF, ADV, OV, RET, stats);
    });
  }
});
