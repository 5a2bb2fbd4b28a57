// A second, loop-by-loop float64 forward pass of the same GPT, written straight from the spec text
// (docs/CONTRACTS.md) with no TF.js. It exists to check the TF.js oracle: its loss to f32 rounding,
// and its gradients through central finite differences in float64 (where f32 would drown them).
// Forward only, slow, tiny shapes only.
import { checkBatch, checkParams, headDim, type OracleConfig } from './config';

type P = Record<string, ArrayLike<number>>;

/** y (rows, out) = x (rows, in) · Wᵀ (+ b), W (out, in). */
function matmulT(x: Float64Array, rows: number, inp: number, w: ArrayLike<number>, out: number, b?: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inp; i++) s += x[r * inp + i] * w[o * inp + i];
      y[r * out + o] = s;
    }
  }
  return y;
}

function normRows(config: OracleConfig, x: Float64Array, rows: number, C: number, p: P, name: string): Float64Array {
  const w = p[`${name}.weight`];
  const b = p[`${name}.bias`];
  const y = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * C, (r + 1) * C);
    let mean = 0;
    if (config.norm === 'layernorm') mean = row.reduce((a, v) => a + v, 0) / C;
    const ms = row.reduce((a, v) => a + (v - mean) ** 2, 0) / C;
    const rstd = 1 / Math.sqrt(ms + config.normEps);
    for (let c = 0; c < C; c++) y[r * C + c] = (row[c] - mean) * rstd * w[c] + (b ? b[c] : 0);
  }
  return y;
}

/** Rotates the q and k heads of qkv (B*T rows, width W) in place, halves convention. */
function ropeInPlace(config: OracleConfig, qkv: Float64Array, B: number, T: number): void {
  const hd = headDim(config);
  const half = hd / 2;
  const W = (config.nHead + 2 * config.nKvHead) * hd;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let head = 0; head < config.nHead + config.nKvHead; head++) {
        const o = (b * T + t) * W + head * hd;
        for (let i = 0; i < half; i++) {
          const theta = t * Math.pow(config.ropeBase, (-2 * i) / hd);
          const x1 = qkv[o + i];
          const x2 = qkv[o + i + half];
          qkv[o + i] = x1 * Math.cos(theta) - x2 * Math.sin(theta);
          qkv[o + i + half] = x1 * Math.sin(theta) + x2 * Math.cos(theta);
        }
      }
    }
  }
}

/** Causal attention, query head h on kv head ⌊h/(nHead/nKvHead)⌋. qkv (B*T, W) → (B*T, C). */
function attention(config: OracleConfig, qkv: Float64Array, B: number, T: number): Float64Array {
  const { nHead, nKvHead, dModel: C } = config;
  const hd = headDim(config);
  const W = (nHead + 2 * nKvHead) * hd;
  const out = new Float64Array(B * T * C);
  const scores = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      const kvHead = Math.floor(h / (nHead / nKvHead));
      const kOff = (nHead + kvHead) * hd;
      const vOff = (nHead + nKvHead + kvHead) * hd;
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * W + h * hd;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += qkv[q + d] * qkv[(b * T + s) * W + kOff + d];
          scores[s] = dot / Math.sqrt(hd);
          max = Math.max(max, scores[s]);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += (scores[s] = Math.exp(scores[s] - max));
        for (let d = 0; d < hd; d++) {
          let acc = 0;
          for (let s = 0; s <= t; s++) acc += scores[s] * qkv[(b * T + s) * W + vOff + d];
          out[(b * T + t) * C + h * hd + d] = acc / sum;
        }
      }
    }
  }
  return out;
}

function activation(config: OracleConfig, h: Float64Array, rows: number): Float64Array {
  const H = config.mlpHidden;
  const y = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      if (config.mlp === 'gelu') {
        const x = h[r * H + j];
        y[r * H + j] = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      } else {
        const gate = h[r * 2 * H + j]; // rows of fc.weight are [gate; up]
        const up = h[r * 2 * H + H + j];
        y[r * H + j] = (gate / (1 + Math.exp(-gate))) * up;
      }
    }
  }
  return y;
}

function addInPlace(x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] += y[i];
}

/** Per-token log p(target) (0 where the target is −1) and the mean loss over counted targets. */
export function f64GptForward(
  config: OracleConfig, p: P, tokens: Int32Array, targets: Int32Array, B: number, T: number,
): { loss: number; logp: Float64Array } {
  checkBatch(config, { tokens, targets, B, T });
  checkParams(config, p);
  const { vocabSize: V, dModel: C, nHead, nKvHead, mlpHidden: H } = config;
  const N = B * T;
  const hd = headDim(config);
  const x = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) x[n * C + c] = p.wte[tokens[n] * C + c] + (p.wpe ? p.wpe[(n % T) * C + c] : 0);
  }
  for (let i = 0; i < config.nLayer; i++) {
    const pre = `h.${i}`;
    const W = (nHead + 2 * nKvHead) * hd;
    const qkv = matmulT(normRows(config, x, N, C, p, `${pre}.ln1`), N, C, p[`${pre}.attn.qkv.weight`], W, p[`${pre}.attn.qkv.bias`]);
    if (config.positions === 'rope') ropeInPlace(config, qkv, B, T);
    addInPlace(x, matmulT(attention(config, qkv, B, T), N, C, p[`${pre}.attn.proj.weight`], C, p[`${pre}.attn.proj.bias`]));
    const fcOut = config.mlp === 'swiglu' ? 2 * H : H;
    const h = matmulT(normRows(config, x, N, C, p, `${pre}.ln2`), N, C, p[`${pre}.mlp.fc.weight`], fcOut, p[`${pre}.mlp.fc.bias`]);
    addInPlace(x, matmulT(activation(config, h, N), N, H, p[`${pre}.mlp.proj.weight`], C, p[`${pre}.mlp.proj.bias`]));
  }
  const logits = matmulT(normRows(config, x, N, C, p, 'lnf'), N, C, config.tiedEmbeddings ? p.wte : p['lm_head.weight'], V);
  const logp = new Float64Array(N);
  let total = 0;
  let counted = 0;
  for (let n = 0; n < N; n++) {
    if (targets[n] < 0) continue;
    const row = logits.subarray(n * V, (n + 1) * V);
    const max = row.reduce((a, v) => Math.max(a, v), -Infinity);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    logp[n] = row[targets[n]] - lse;
    total -= logp[n];
    counted++;
  }
  return { loss: total / counted, logp };
}
