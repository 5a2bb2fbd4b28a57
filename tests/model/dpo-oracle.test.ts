// The DPO loss −log σ(β[(logπ(c) − logπ_ref(c)) − (logπ(r) − logπ_ref(r))]) over a fixed batch of
// pairs, with sequence log-probs summed over response tokens, and every gradient: the GPU engine
// (rl_seq_logp, rl_dpo_loss → rowGrad → LmHead/GPT backward) against the TF.js oracle; and the
// per-token log-probs of a frozen model run through the policy's activations (the reference path).
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { maxAbs } from './gpu-grads';
import { presetConfig } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { PolicyRunner } from '../../src/train/rl/policy';
import { rlSeqLogp, rlDpoLoss } from '../../src/kernels/rl-dpo';
import { DEFAULT_ADAMW } from '../../src/train/optimizer';
import { randomParams } from '../oracle/fixtures';
import { tfLossOf, tfGptForward } from '../oracle/tf-gpt';
import { rlBatch } from './rl-oracle-helpers';

describe('DPO loss against the TF.js oracle', () => {
  it('loss, implicit rewards and every gradient match, P=3 pairs, T=11', async () => {
    const gpu = await testGpu();
    const config = presetConfig('tiny', { nLayer: 2, dModel: 32, nHead: 2, nKvHead: 2, vocabSize: 23, contextLength: 16 });
    const P = 3, T = 11, S = 2 * P, beta = 0.2;
    const params = randomParams(config, 31);
    const d = rlBatch(config, S, T, 32);
    // Reference sequence log-probs: any constants (the reference is frozen).
    const refLogp = Float32Array.from({ length: S }, () => -8 + 4 * d.rng.normal());

    const ref = tfLossOf(config, params, (ctx) => {
      const { logp } = ctx.forward(d.tokens, d.targets, S, T); // 0 off the response
      const seq = tf.sum(tf.reshape(logp, [S, T]), 1);
      const r = tf.mul(beta, tf.sub(seq, tf.tensor1d(refLogp)));
      const [chosen, rejected] = tf.split(r, [P, P]);
      return tf.mean(tf.softplus(tf.neg(tf.sub(chosen, rejected)))) as tf.Scalar;
    });

    const model = new Gpt(gpu, config, params);
    const runner = new PolicyRunner(gpu, model, S, T, DEFAULT_ADAMW);
    const REF = gpu.upload(refLogp), SEQ = gpu.buffer(4 * S), stats = gpu.buffer(4 * 4);
    runner.load(d);
    // Per-token log-probs of a frozen model through the shared activations (the reference path).
    const ref0 = gpu.encoder('reference-forward');
    runner.forwardOther(ref0, model);
    ref0.submit();
    const refLosses = await gpu.readF32(runner.head.losses, S * T);
    const tfLogp = tfGptForward(config, params, d.tokens, d.targets, S, T).logp;
    // |log p| ≲ 10 here; f32 with different summation orders agrees to ~1e-6 relative.
    expectAllClose(refLosses, Float32Array.from(tfLogp, (x) => -x), { atol: 2e-5, rtol: 1e-5, name: 'reference −log p' });
    const enc = gpu.encoder('dpo-oracle');
    model.zeroGrads(enc);
    runner.forward(enc);
    rlSeqLogp(gpu, enc, { losses: runner.head.losses, targets: runner.targets, out: SEQ, S, T, V: config.vocabSize });
    rlDpoLoss(gpu, enc, { targets: runner.targets, logp: SEQ, refLogp: REF, rowGrad: runner.head.rowGrad, stats, P, T, V: config.vocabSize, beta });
    runner.backward(enc);
    enc.submit();
    const [loss, accuracy, chosen, rejected] = await gpu.readF32(stats, 4);
    console.log(`[dpo oracle] loss gpu ${loss} tf ${ref.loss}; accuracy ${accuracy}, margin ${(chosen - rejected).toFixed(3)}`);
    expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
    const grads = await model.readGrads();
    // f32 on both sides, different summation orders; measured worst is logged.
    const scale = maxAbs(ref.grads);
    let worst = 0;
    for (const name of Object.keys(ref.grads)) {
      const g = grads[name], r = ref.grads[name];
      for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(g[i] - r[i]) / scale);
      expectAllClose(g, r, { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
    }
    console.log(`[dpo oracle] max |grad diff| / max |grad| = ${worst.toExponential(2)}`);
    runner.destroy(); model.destroy(); gpu.release(REF, SEQ, stats);
  });
});
