// The TF.js oracle as a whole, on 2-layer tiny models of both styles (GPT-2: layernorm, learned
// positions, gelu, biases, tied; Llama: rmsnorm, RoPE, swiglu, grouped-query, untied), against the
// loop-by-loop float64 forward in tests/oracle/f64-gpt.ts.
// Gradients: central finite differences of the float64 loss (eps 1e-5, error ~1e-10), not of the f32
// oracle, whose rounding (~1e-7 relative) divided by any usable eps would swamp the signal.
// Tolerances, ~10× the f32 rounding measured here (loss 3.7–7.9, log-probs within 2e-6 of float64,
// gradients up to 1.3 in size within 1.3e-7 absolute / 2e-5 relative of the differences):
// loss and log-probs 1e-5 + 1e-5·|ref|, gradient entries 1e-6 + 2e-4·|fd|.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, sampleIndices } from '../helpers/finite-diff';
import { numel, paramShapes, type OracleConfig, type Params } from '../oracle/config';
import { f64GptForward } from '../oracle/f64-gpt';
import { gpt2Tiny, llamaTiny, randomBatch, randomParams } from '../oracle/fixtures';
import { ensureCpu, tfGptForward, tfGptLoss, tfLossOf } from '../oracle/tf-gpt';
import { meanNll } from '../oracle/tf-layers';

ensureCpu();
const [B, T] = [2, 7];

/** Central differences of the float64 loss in a few entries of every parameter tensor. */
function expectGradsMatchFiniteDiff(config: OracleConfig, params: Params, grads: Params, loss64: (p: Record<string, ArrayLike<number>>) => number): void {
  expect(Object.keys(grads).sort()).toEqual([...paramShapes(config).keys()].sort());
  for (const name of paramShapes(config).keys()) {
    const idx = sampleIndices(params[name].length, 4);
    const fd = numericGrad((x) => loss64({ ...params, [name]: x }), params[name], 1e-5, idx);
    expectAllClose(idx.map((i) => grads[name][i]), fd, { atol: 1e-6, rtol: 2e-4, name: `d loss / d ${name}` });
  }
}

describe.each([['gpt2', gpt2Tiny], ['llama', llamaTiny]] as const)('TF.js oracle, %s style', (_, config) => {
  const params = randomParams(config, 11);
  const { tokens, targets } = randomBatch(config, B, T, 5, [3, 9, 13]);

  it('loss and per-token log-probs match the float64 forward; ignored rows give 0', () => {
    const ref = f64GptForward(config, params, tokens, targets, B, T);
    const out = tfGptForward(config, params, tokens, targets, B, T);
    expectAllClose(out.logp, ref.logp, { atol: 1e-5, rtol: 1e-5, name: 'logp' });
    for (const i of [3, 9, 13]) expect(out.logp[i]).toBe(0);
    expect(out.hidden.length).toBe(B * T * config.dModel);
    expect(out.logits.length).toBe(B * T * config.vocabSize);
    const { loss } = tfGptLoss(config, params, tokens, targets, B, T);
    expectAllClose([loss], [ref.loss], { atol: 1e-5, rtol: 1e-5, name: 'loss' });
  });

  it('gradients of every parameter match float64 central differences', () => {
    const { grads } = tfGptLoss(config, params, tokens, targets, B, T);
    expectGradsMatchFiniteDiff(config, params, grads, (p) => f64GptForward(config, p, tokens, targets, B, T).loss);
  });

  it('is causal: changing the token at t leaves every earlier log-prob unchanged', () => {
    const t = 4;
    const before = tfGptForward(config, params, tokens, targets, B, T).logp;
    const changed = Int32Array.from(tokens);
    changed[t] = (changed[t] + 1) % config.vocabSize;
    const after = tfGptForward(config, params, changed, targets, B, T).logp;
    for (let i = 0; i < t; i++) expect(after[i]).toBe(before[i]);
    expect(after.slice(t, T).some((v, i) => v !== before[t + i])).toBe(true);
    expect(after.slice(T)).toEqual(before.slice(T)); // the other sequence is untouched
  });
});

describe('tfLossOf: custom losses over forward outputs and extra parameters', () => {
  const config = llamaTiny;
  const params = randomParams(config, 21);
  const chosen = randomBatch(config, 1, 6, 31, [0, 1]);
  const rejected = randomBatch(config, 1, 6, 32, [0, 1, 2]);
  const refChosen = -1.5;
  const refRejected = -2.5;

  it('a DPO-style loss over two forward passes has float64-checked gradients', () => {
    const beta = 0.7;
    const sum = (logp: ArrayLike<number>): number => Array.from(logp).reduce((a, v) => a + v, 0);
    const dpo64 = (p: Record<string, ArrayLike<number>>): number => {
      const c = sum(f64GptForward(config, p, chosen.tokens, chosen.targets, 1, 6).logp);
      const r = sum(f64GptForward(config, p, rejected.tokens, rejected.targets, 1, 6).logp);
      return Math.log1p(Math.exp(-beta * ((c - refChosen) - (r - refRejected))));
    };
    const { loss, grads } = tfLossOf(config, params, ({ forward }) => {
      const c = tf.sum(forward(chosen.tokens, chosen.targets, 1, 6).logp);
      const r = tf.sum(forward(rejected.tokens, rejected.targets, 1, 6).logp);
      // −log σ(z) as softplus(−z): tf.logSigmoid's gradient throws on any non-leaf input here.
      return tf.softplus(tf.neg(tf.mul(beta, tf.sub(tf.sub(c, refChosen), tf.sub(r, refRejected))))) as tf.Scalar;
    });
    expectAllClose([loss], [dpo64(params)], { atol: 1e-5, rtol: 1e-5, name: 'dpo loss' });
    expectGradsMatchFiniteDiff(config, params, grads, dpo64);
  });

  it('an extra parameter gets its gradient; a parameter the loss never reaches gets zeros', () => {
    const C = config.dModel;
    const head = Float32Array.from({ length: C }, (_, i) => Math.sin(i));
    const { loss, grads } = tfLossOf(config, params, ({ forward, extra }) => {
      const { hidden } = forward(chosen.tokens, chosen.targets, 1, 6); // (6, C)
      return tf.sum(tf.matMul(hidden, tf.reshape(extra.head, [C, 1])));
    }, { head });
    const hidden = tfGptForward(config, params, chosen.tokens, chosen.targets, 1, 6).hidden;
    const colSums = Array.from({ length: C }, (_, c) => Array.from({ length: 6 }, (_, n) => hidden[n * C + c]).reduce((a, v) => a + v, 0));
    expectAllClose(grads.head, colSums, { atol: 1e-5, rtol: 1e-5, name: 'd loss / d head' });
    expectAllClose([loss], [colSums.reduce((a, v, c) => a + v * head[c], 0)], { atol: 1e-5, rtol: 1e-5, name: 'reward' });
    expect(grads['lm_head.weight']).toEqual(new Float32Array(numel(paramShapes(config).get('lm_head.weight')!)));
    expect(grads['h.0.attn.qkv.weight'].some((g) => g !== 0)).toBe(true);
  });

  it('tfGptLoss is tfLossOf with the mean next-token loss; inputs are validated', () => {
    const a = tfGptLoss(config, params, chosen.tokens, chosen.targets, 1, 6);
    const b = tfLossOf(config, params, ({ forward }) => meanNll(forward(chosen.tokens, chosen.targets, 1, 6).logp, chosen.targets));
    expect(a).toEqual(b);
    expect(() => tfLossOf(config, params, () => tf.scalar(0), { wte: new Float32Array(1) })).toThrow(/clashes/);
    expect(() => tfGptLoss(config, { ...params, wte: new Float32Array(3) }, chosen.tokens, chosen.targets, 1, 6)).toThrow(/wte/);
    expect(() => tfGptLoss(config, params, chosen.tokens, chosen.targets, 1, 9)).toThrow(/B\*T/);
    expect(() => tfGptLoss(config, params, Int32Array.of(0, 99), Int32Array.of(1, 2), 1, 2)).toThrow(/token 99/);
  });

  it('leaves no tensors or variables behind', () => {
    tfGptLoss(config, params, chosen.tokens, chosen.targets, 1, 6);
    const { numTensors } = tf.memory();
    tfGptLoss(config, params, chosen.tokens, chosen.targets, 1, 6);
    tfGptForward(config, params, chosen.tokens, chosen.targets, 1, 6);
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
