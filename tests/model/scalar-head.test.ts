// A second loss head through the same backward plumbing: a scalar head (as a reward model or PPO
// value head uses) on the final hidden state, with a loss of its outputs, checked against the oracle.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { maxAbs } from './gpu-grads';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { ScalarHead } from '../../src/model/heads';
import { planActivations, releaseActivations } from '../../src/model/activations';
import { embeddingBuckets } from '../../src/kernels/embedding';
import { randomParams, randomBatch } from '../oracle/fixtures';
import { tfLossOf } from '../oracle/tf-gpt';
import { Rng } from '../../src/util/rng';

describe('scalar head on the final hidden state', () => {
  it('loss Σ c_t · value_t: gradients of the model and the head match the oracle', async () => {
    const gpu = await testGpu();
    const config = presetConfig('tiny', { ...LLAMA_STYLE, nKvHead: 2, vocabSize: 41, contextLength: 32 });
    const B = 2, T = 23, C = config.dModel, N = B * T;
    const params = randomParams(config, 3);
    const { tokens } = randomBatch(config, B, T, 4);
    const rng = new Rng(9);
    const w = rng.normals(C, 0.1), b = 0.3;
    const coef = rng.floats(N); // the loss's gradient with respect to each value: any head loss reduces to this

    const ref = tfLossOf(config, params, (ctx) => {
      const { hidden } = ctx.forward(tokens, new Int32Array(N).fill(-1), B, T);
      const values = tf.add(tf.matMul(tf.reshape(hidden, [N, C]), tf.reshape(ctx.extra['head.weight'], [C, 1])), ctx.extra['head.bias']);
      return tf.sum(tf.mul(tf.reshape(values, [N]), tf.tensor1d(coef)));
    }, { 'head.weight': w, 'head.bias': Float32Array.of(b) });

    const model = new Gpt(gpu, config, params);
    const acts = planActivations(gpu, config, B, T);
    const head = new ScalarHead(gpu, C, N, { weight: w, bias: b });
    const tok = gpu.upload(tokens);
    const bk = embeddingBuckets(tokens, config.vocabSize);
    const buckets = gpu.upload(bk.data);
    gpu.write(head.dValues, coef);
    const enc = gpu.encoder();
    model.zeroGrads(enc);
    head.zeroGrads(enc);
    model.forward(enc, acts, tok);
    head.forward(enc, acts);
    head.backward(enc, acts);
    model.backward(enc, acts, { buffer: buckets, numIds: bk.numIds });
    enc.submit();
    const values = await gpu.readF32(head.values, N);
    const loss = values.reduce((s, v, i) => s + v * coef[i], 0);
    expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref.loss)));
    const grads: Record<string, Float32Array> = { ...(await model.readGrads()), 'head.weight': await gpu.readF32(head.dWeight, C), 'head.bias': await gpu.readF32(head.dBias, 1) };
    const scale = maxAbs(ref.grads);
    for (const name of Object.keys(ref.grads)) expectAllClose(grads[name], ref.grads[name], { atol: 1e-4 * scale, rtol: 1e-3, name: `d${name}` });
    head.destroy(); releaseActivations(gpu, acts); model.destroy(); gpu.release(tok, buckets);
  });
});
