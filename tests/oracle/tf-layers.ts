// GPT building blocks written from plain TF.js ops, so tf's own autodiff gives their gradients.
// TF.js core has no LayerNorm, GELU, RoPE or sparse cross-entropy (see shared/TFJS-NOTES.md);
// these follow docs/CONTRACTS.md exactly. Functional ops only: chained ops (x.add) are not
// registered when only tfjs-core is imported. Not a fast path — a readable one.
import * as tf from '@tensorflow/tfjs-core';
// The Node bundle of tfjs-core registers no gradients; this side-effect import does.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** y = x·Wᵀ + b with W (out, in) in PyTorch layout. x (N, in) → (N, out). */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor2D {
  const y = tf.matMul(x, w as tf.Tensor2D, false, true);
  return (b ? tf.add(y, b) : y) as tf.Tensor2D;
}

/** LayerNorm over the last axis with biased variance (as PyTorch). x (..., C). */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | undefined, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const centred = tf.sub(x, tf.mean(x, axis, true));
  const variance = tf.mean(tf.square(centred), axis, true);
  const y = tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), weight);
  return bias ? tf.add(y, bias) : y;
}

/** RMSNorm over the last axis: x / √(mean(x²) + eps) · weight. No bias, ever. */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const ms = tf.mean(tf.square(x), x.rank - 1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), weight);
}

/** GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.square(x)))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** SwiGLU: x (N, 2H) = [gate | up] → silu(gate)·up (N, H). */
export function swiglu(x: tf.Tensor2D): tf.Tensor2D {
  const [gate, up] = tf.split(x, 2, 1);
  return tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
}

/**
 * cos/sin tables (T, hd/2) for θ(pos, i) = pos·base^(−2i/hd), computed in float64 then rounded once,
 * so the oracle carries no extra error from the angle itself.
 */
export function ropeTables(T: number, hd: number, base: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = hd / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let pos = 0; pos < T; pos++) {
    for (let i = 0; i < half; i++) {
      const theta = pos * Math.pow(base, (-2 * i) / hd);
      cos[pos * half + i] = Math.cos(theta);
      sin[pos * half + i] = Math.sin(theta);
    }
  }
  return { cos: tf.tensor2d(cos, [T, half]), sin: tf.tensor2d(sin, [T, half]) };
}

/**
 * RoPE, halves convention: for i < hd/2, (x_i, x_{i+hd/2}) → (x_i cosθ − x_{i+hd/2} sinθ,
 * x_i sinθ + x_{i+hd/2} cosθ). x (B, heads, T, hd); cos/sin (T, hd/2) broadcast over B and heads.
 */
export function rope(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  const [x1, x2] = tf.split(x, 2, 3);
  const r1 = tf.sub(tf.mul(x1, cos), tf.mul(x2, sin));
  const r2 = tf.add(tf.mul(x1, sin), tf.mul(x2, cos));
  return tf.concat([r1, r2], 3) as tf.Tensor4D;
}

/** Additive causal mask (T, T): 0 where key ≤ query, −1e9 above the diagonal (exp underflows to 0). */
export function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) m[q * T + k] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

/** (N, V) one-hot of ids as float32; a row is all zero where the id is −1. */
export function oneHotRows(ids: Int32Array, V: number): tf.Tensor2D {
  const m = new Float32Array(ids.length * V);
  ids.forEach((id, row) => { if (id >= 0) m[row * V + id] = 1; });
  return tf.tensor2d(m, [ids.length, V]);
}

/** log softmax(logits)[target] per row (N); 0 for ignored rows (target −1). logits (N, V). */
export function targetLogProbs(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const logp = tf.logSoftmax(logits, 1);
  return tf.sum(tf.mul(logp, oneHotRows(targets, logits.shape[1])), 1);
}

/** Mean over counted rows (target ≠ −1) of −log p(target), from targetLogProbs' output (N). */
export function meanNll(logp: tf.Tensor1D, targets: Int32Array): tf.Scalar {
  const counted = targets.reduce((n, t) => n + (t >= 0 ? 1 : 0), 0);
  if (counted === 0) throw new Error('oracle: every target is −1, the mean loss is undefined');
  return tf.div(tf.neg(tf.sum(logp)), counted);
}
