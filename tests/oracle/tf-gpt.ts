// The independent oracle: the GPT of docs/CONTRACTS.md written with TF.js ops (f32) on TF.js's CPU
// backend, differentiated by tf.variableGrads. The GPU engine's loss and gradients are checked
// against it. Test-only; never shipped. It does not optimise (tf-adamw.ts does) and is not fast.
// It switches TF.js's global backend to 'cpu'.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  checkBatch, checkConfig, checkParams, headDim, numel, paramShapes,
  type OracleBatch, type OracleConfig, type Params,
} from './config';
import {
  causalMask, geluTanh, layerNorm, linear, meanNll, oneHotRows, rmsNorm, rope, ropeTables, swiglu, targetLogProbs,
} from './tf-layers';

export type TfParams = Record<string, tf.Tensor>;

/** What one forward pass gives a loss to build on. N = B*T rows, row-major over (B, T). */
export interface GptOutputs {
  /** (N) log p(target) per token; 0 where the target is −1. */
  logp: tf.Tensor1D;
  /** (N, C) final hidden state after the last norm — the lm_head input (e.g. for a reward head). */
  hidden: tf.Tensor2D;
  /** (N, V) */
  logits: tf.Tensor2D;
}

/** Selects TF.js's CPU backend (its initialisation is synchronous, so no await is needed). */
export function ensureCpu(): void {
  if (tf.getBackend() === 'cpu') return;
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error('oracle: could not select the TF.js cpu backend');
}

function norm(config: OracleConfig, x: tf.Tensor2D, p: TfParams, name: string): tf.Tensor2D {
  return (config.norm === 'layernorm'
    ? layerNorm(x, p[`${name}.weight`], p[`${name}.bias`], config.normEps)
    : rmsNorm(x, p[`${name}.weight`], config.normEps)) as tf.Tensor2D;
}

/** (B, nKv, T, hd) → (B, nKv·g, T, hd) with kv head j repeated g times in a row: query head h reads kv head ⌊h/g⌋. */
function repeatKv(x: tf.Tensor4D, g: number): tf.Tensor4D {
  if (g === 1) return x;
  const [B, nKv, T, hd] = x.shape;
  // tf's tile gradient stops at rank 4, so fold (T, hd) together instead of adding an axis.
  return tf.reshape(tf.tile(tf.reshape(x, [B, nKv, 1, T * hd]), [1, 1, g, 1]), [B, nKv * g, T, hd]);
}

interface AttentionConsts { mask: tf.Tensor2D; rope: { cos: tf.Tensor2D; sin: tf.Tensor2D } | null }

/** Causal self-attention. qkv (B*T, (nHead + 2·nKvHead)·hd) → (B*T, C). */
function attention(config: OracleConfig, qkv: tf.Tensor2D, B: number, T: number, consts: AttentionConsts): tf.Tensor2D {
  const { nHead, nKvHead, dModel } = config;
  const hd = headDim(config);
  const split = tf.split(tf.reshape(qkv, [B, T, nHead + 2 * nKvHead, hd]), [nHead, nKvHead, nKvHead], 2);
  const [q0, k0, v0] = split.map((t) => tf.transpose(t, [0, 2, 1, 3]) as tf.Tensor4D); // (B, heads, T, hd)
  const q = consts.rope ? rope(q0, consts.rope.cos, consts.rope.sin) : q0;
  const k = repeatKv(consts.rope ? rope(k0, consts.rope.cos, consts.rope.sin) : k0, nHead / nKvHead);
  const v = repeatKv(v0, nHead / nKvHead);
  // The mask goes in with a plain add: tf.fused.matMul would also differentiate it (TFJS-NOTES).
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), consts.mask); // (B, nHead, T, T)
  const y = tf.matMul(tf.softmax(scores), v); // (B, nHead, T, hd)
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, dModel]);
}

function mlp(config: OracleConfig, x: tf.Tensor2D, p: TfParams, pre: string): tf.Tensor2D {
  const h = linear(x, p[`${pre}.fc.weight`], p[`${pre}.fc.bias`]); // (N, H) or (N, 2H) = [gate | up]
  const act = config.mlp === 'swiglu' ? swiglu(h) : (geluTanh(h) as tf.Tensor2D);
  return linear(act, p[`${pre}.proj.weight`], p[`${pre}.proj.bias`]);
}

/** Differentiable forward on tensors (call inside a tidy). tokens/targets (B*T). */
export function gptForward(config: OracleConfig, p: TfParams, tokens: Int32Array, targets: Int32Array, B: number, T: number): GptOutputs {
  checkBatch(config, { tokens, targets, B, T });
  const { vocabSize: V, dModel: C } = config;
  // A one-hot matmul is the embedding lookup: exact, and faster than gather's gradient on CPU.
  let x: tf.Tensor2D = tf.matMul(oneHotRows(tokens, V), p.wte as tf.Tensor2D); // (N, C)
  if (config.positions === 'learned') {
    const pos = tf.slice(p.wpe, [0, 0], [T, C]); // (T, C)
    x = tf.reshape(tf.add(tf.reshape(x, [B, T, C]), pos), [B * T, C]);
  }
  const consts: AttentionConsts = {
    mask: causalMask(T),
    rope: config.positions === 'rope' ? ropeTables(T, headDim(config), config.ropeBase) : null,
  };
  for (let i = 0; i < config.nLayer; i++) {
    const pre = `h.${i}`;
    const qkv = linear(norm(config, x, p, `${pre}.ln1`), p[`${pre}.attn.qkv.weight`], p[`${pre}.attn.qkv.bias`]);
    const att = attention(config, qkv, B, T, consts);
    x = tf.add(x, linear(att, p[`${pre}.attn.proj.weight`], p[`${pre}.attn.proj.bias`]));
    x = tf.add(x, mlp(config, norm(config, x, p, `${pre}.ln2`), p, `${pre}.mlp`));
  }
  const hidden = norm(config, x, p, 'lnf');
  const logits = linear(hidden, config.tiedEmbeddings ? p.wte : p['lm_head.weight'], undefined); // (N, V)
  return { logp: targetLogProbs(logits, targets), hidden, logits };
}

/** Numbers out of one forward pass: logp (N), hidden (N·C), logits (N·V). */
export function tfGptForward(
  config: OracleConfig, params: Params, tokens: Int32Array, targets: Int32Array, B: number, T: number,
): { logp: Float32Array; hidden: Float32Array; logits: Float32Array } {
  ensureCpu();
  checkConfig(config);
  checkParams(config, params);
  const read = (t: tf.Tensor): Float32Array => Float32Array.from(t.dataSync() as Float32Array);
  return tf.tidy(() => {
    const p: TfParams = {};
    for (const [name, shape] of paramShapes(config)) p[name] = tf.tensor(params[name], shape);
    const out = gptForward(config, p, tokens, targets, B, T);
    return { logp: read(out.logp), hidden: read(out.hidden), logits: read(out.logits) };
  });
}

/** What a custom loss gets: forward passes on the current parameters, and its own extra parameters. */
export interface LossContext {
  forward(tokens: Int32Array, targets: Int32Array, B: number, T: number): GptOutputs;
  /** The caller's extra trainable parameters, each as a 1-D tensor (reshape as needed). */
  extra: TfParams;
  /** The model parameters as tensors, in their spec shapes. */
  params: TfParams;
}

let scopeSeq = 0;

/**
 * Loss value and gradients of every model parameter and every `extra` parameter for any scalar
 * loss built from forward passes (SFT masks, a reward head, DPO with constant reference log-probs,
 * PPO, ...). A parameter the loss does not reach gets an all-zero gradient.
 */
export function tfLossOf(
  config: OracleConfig, params: Params, loss: (ctx: LossContext) => tf.Scalar, extra: Params = {},
): { loss: number; grads: Params } {
  ensureCpu();
  checkConfig(config);
  checkParams(config, params);
  const shapes = paramShapes(config);
  for (const name of Object.keys(extra)) {
    if (shapes.has(name)) throw new Error(`oracle: extra parameter ${name} clashes with a model parameter`);
  }
  const scope = `tabgpt-oracle-${scopeSeq++}`; // variable names are global in TF.js
  const vars = new Map<string, tf.Variable>();
  try {
    tf.tidy(() => {
      for (const [name, shape] of shapes) vars.set(name, tf.variable(tf.tensor(params[name], shape), true, `${scope}/${name}`));
      for (const [name, values] of Object.entries(extra)) vars.set(name, tf.variable(tf.tensor1d(values), true, `${scope}/${name}`));
    });
    let value = NaN;
    const grads: Params = {};
    tf.tidy(() => {
      const model: TfParams = {};
      const extras: TfParams = {};
      for (const [name, v] of vars) (shapes.has(name) ? model : extras)[name] = v;
      const ctx: LossContext = {
        forward: (tokens, targets, B, T) => gptForward(config, model, tokens, targets, B, T),
        extra: extras,
        params: model,
      };
      const r = tf.variableGrads(() => loss(ctx), [...vars.values()]);
      value = r.value.dataSync()[0];
      for (const [name, v] of vars) {
        const g = r.grads[`${scope}/${name}`];
        grads[name] = g ? Float32Array.from(g.dataSync() as Float32Array) : new Float32Array(numel(v.shape));
      }
    });
    return { loss: value, grads };
  } finally {
    for (const v of vars.values()) v.dispose();
  }
}

/** Mean next-token cross-entropy over targets ≠ −1, and its gradient for every parameter. */
export function tfGptLoss(
  config: OracleConfig, params: Params, tokens: Int32Array, targets: Int32Array, B: number, T: number,
): { loss: number; grads: Params } {
  return tfLossOf(config, params, (ctx) => meanNll(ctx.forward(tokens, targets, B, T).logp, targets));
}
