// Each hand-written TF.js piece of the oracle against a float64 formula written here from the spec:
// its values, and the gradient tf derives for it (of Σ probe·f(x)) against central finite
// differences of the float64 formula.
// Tolerances: values are O(1) and computed in f32, so |tf − f64| ≤ 1e-6 + 1e-5·|f64| allows a few
// ulps of accumulated rounding; gradients go through a few more f32 ops: 1e-5 + 1e-4·|fd|. The f64
// finite differences (eps 1e-6) are good to ~1e-9, far below both.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng';
import { expectAllClose } from '../helpers/allclose';
import { dot, numericGrad } from '../helpers/finite-diff';
import { ensureCpu } from '../oracle/tf-gpt';
import {
  causalMask, geluTanh, layerNorm, linear, meanNll, rmsNorm, rope, ropeTables, swiglu, targetLogProbs,
} from '../oracle/tf-layers';

ensureCpu();
const rng = new Rng(1234);

interface Input { data: Float32Array; shape: number[] }
const input = (shape: number[], lo = -2, hi = 2): Input => ({ data: rng.floats(shape.reduce((a, b) => a * b, 1), lo, hi), shape });

function checkPiece(
  name: string,
  inputs: Input[],
  tfFn: (xs: tf.Tensor[]) => tf.Tensor,
  f64Fn: (xs: Float64Array[]) => Float64Array,
): void {
  const xs64 = inputs.map((x) => Float64Array.from(x.data));
  const want = f64Fn(xs64);
  const probe = rng.floats(want.length);
  tf.tidy(() => {
    const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
    expectAllClose(tfFn(xs).dataSync(), want, { atol: 1e-6, rtol: 1e-5, name: `${name} values` });
    const grads = tf.grads((...ts: tf.Tensor[]) => {
      const y = tfFn(ts);
      return tf.sum(tf.mul(y, tf.reshape(tf.tensor1d(probe), y.shape)));
    })(xs);
    inputs.forEach((x, i) => {
      const fd = numericGrad((xi) => dot(f64Fn(xs64.map((orig, j) => (j === i ? xi : orig))), probe), x.data, 1e-6);
      expectAllClose(grads[i].dataSync(), fd, { atol: 1e-5, rtol: 1e-4, name: `${name} d/dx${i}` });
    });
  });
}

function rowwise(x: Float64Array, C: number, f: (row: Float64Array) => number[]): Float64Array {
  const out: number[] = [];
  for (let r = 0; r < x.length / C; r++) out.push(...f(x.subarray(r * C, (r + 1) * C)));
  return Float64Array.from(out);
}

describe('oracle layers (TF.js ops vs float64 formulas)', () => {
  it('linear: x·Wᵀ + b', () => {
    const [N, K, M] = [5, 7, 3];
    checkPiece('linear', [input([N, K]), input([M, K]), input([M])], ([x, w, b]) => linear(x as tf.Tensor2D, w, b), ([x, w, b]) => {
      const y = new Float64Array(N * M);
      for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
        y[n * M + m] = b[m];
        for (let k = 0; k < K; k++) y[n * M + m] += x[n * K + k] * w[m * K + k];
      }
      return y;
    });
  });

  // Inputs of size 1e-2 make the variance ~3e-5, so eps (1e-5) changes the result by ~15%.
  it.each([2, 0.01])('layerNorm over the last axis, biased variance, eps inside the root (|x| ≤ %d)', (size) => {
    const C = 13;
    const eps = 1e-5;
    checkPiece('layerNorm', [input([5, C], -size, size), input([C]), input([C])], ([x, w, b]) => layerNorm(x, w, b, eps), ([x, w, b]) => rowwise(x, C, (row) => {
      const mean = row.reduce((a, v) => a + v, 0) / C;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / C;
      return [...row].map((v, c) => ((v - mean) / Math.sqrt(variance + eps)) * w[c] + b[c]);
    }));
  });

  it.each([2, 0.01])('rmsNorm: x / √(mean x² + eps) · w (|x| ≤ %d)', (size) => {
    const C = 11;
    const eps = 1e-5;
    checkPiece('rmsNorm', [input([3, 2, C], -size, size), input([C])], ([x, w]) => rmsNorm(x, w, eps), ([x, w]) => rowwise(x, C, (row) => {
      const ms = row.reduce((a, v) => a + v * v, 0) / C;
      return [...row].map((v, c) => (v / Math.sqrt(ms + eps)) * w[c]);
    }));
  });

  it('geluTanh', () => {
    checkPiece('gelu', [input([37], -5, 5)], ([x]) => geluTanh(x), ([x]) =>
      x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))));
  });

  it('swiglu: [gate | up] → silu(gate)·up', () => {
    const H = 7;
    checkPiece('swiglu', [input([3, 2 * H], -4, 4)], ([x]) => swiglu(x as tf.Tensor2D), ([x]) =>
      rowwise(x, 2 * H, (row) => [...row.subarray(0, H)].map((g, j) => (g / (1 + Math.exp(-g))) * row[H + j])));
  });

  it('rope: halves convention, θ = pos·base^(−2i/hd)', () => {
    const [B, heads, T, hd, base] = [2, 3, 5, 6, 10000];
    const half = hd / 2;
    checkPiece('rope', [input([B, heads, T, hd])], ([x]) => {
      const { cos, sin } = ropeTables(T, hd, base);
      return rope(x as tf.Tensor4D, cos, sin);
    }, ([x]) => {
      const y = new Float64Array(x.length);
      for (let r = 0; r < B * heads * T; r++) {
        const pos = r % T;
        for (let i = 0; i < half; i++) {
          const theta = pos * base ** ((-2 * i) / hd);
          const [x1, x2] = [x[r * hd + i], x[r * hd + i + half]];
          y[r * hd + i] = x1 * Math.cos(theta) - x2 * Math.sin(theta);
          y[r * hd + i + half] = x1 * Math.sin(theta) + x2 * Math.cos(theta);
        }
      }
      return y;
    });
  });

  it('targetLogProbs and meanNll: log softmax at the target, mean over targets ≠ −1', () => {
    const [N, V] = [6, 9];
    const targets = Int32Array.from([3, -1, 0, 8, -1, 5]);
    const counted = 4;
    const logSoftmaxAt = (row: Float64Array, t: number): number => {
      const max = Math.max(...row);
      return row[t] - max - Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    };
    const perToken = (x: Float64Array): Float64Array =>
      Float64Array.from(targets, (t, n) => (t < 0 ? 0 : logSoftmaxAt(x.subarray(n * V, (n + 1) * V), t)));
    checkPiece('targetLogProbs', [input([N, V], -6, 6)], ([x]) => targetLogProbs(x as tf.Tensor2D, targets), ([x]) => perToken(x));
    checkPiece('meanNll', [input([N, V], -6, 6)], ([x]) => meanNll(targetLogProbs(x as tf.Tensor2D, targets), targets), ([x]) =>
      Float64Array.of(-perToken(x).reduce((a, v) => a + v, 0) / counted));
    expect(() => meanNll(tf.zeros([2]) as tf.Tensor1D, Int32Array.of(-1, -1))).toThrow(/every target is −1/);
  });

  it('causalMask: 0 on and below the diagonal, −1e9 above; softmax puts exactly 0 on the future', () => {
    const T = 5;
    tf.tidy(() => {
      const mask = causalMask(T).dataSync();
      const p = tf.softmax(tf.add(tf.randomNormal([T, T], 0, 3, 'float32', 7), causalMask(T))).dataSync();
      for (let q = 0; q < T; q++) for (let k = 0; k < T; k++) {
        expect(mask[q * T + k]).toBe(k <= q ? 0 : -1e9);
        if (k > q) expect(p[q * T + k]).toBe(0);
      }
    });
  });
});
