// CPU reference for attention.ts, in float64: plain causal softmax attention with grouped-query
// heads, computing the full score row for each query (no tiling, no online softmax).
import type { AttentionShape } from './attention';

type Offset = (b: number, t: number, head: number) => number;

/** Offsets of a head's hd values: q, k, v in qkv (k, v by kv head), o in out / dout. */
interface Layout { rowStride: number; q: Offset; k: Offset; v: Offset; o: Offset }

function layout({ T, nHead, nKvHead, headDim: hd }: AttentionShape): Layout {
  const rowStride = (nHead + 2 * nKvHead) * hd;
  return {
    rowStride,
    q: (b, t, h) => (b * T + t) * rowStride + h * hd,
    k: (b, t, kh) => (b * T + t) * rowStride + (nHead + kh) * hd,
    v: (b, t, kh) => (b * T + t) * rowStride + (nHead + nKvHead + kh) * hd,
    o: (b, t, h) => (b * T + t) * nHead * hd + h * hd,
  };
}

/** Probabilities P[j], j ≤ t, of query (b, t, h) and the logsumexp of its scaled scores. */
function probs(qkv: ArrayLike<number>, s: AttentionShape, L: Layout, b: number, t: number, h: number): { P: Float64Array; lse: number } {
  const hd = s.headDim;
  const kh = Math.floor(h / (s.nHead / s.nKvHead));
  const scale = 1 / Math.sqrt(hd);
  const scores = new Float64Array(t + 1);
  const qo = L.q(b, t, h);
  let max = -Infinity;
  for (let j = 0; j <= t; j++) {
    const ko = L.k(b, j, kh);
    let dot = 0;
    for (let d = 0; d < hd; d++) dot += qkv[qo + d] * qkv[ko + d];
    scores[j] = dot * scale;
    max = Math.max(max, scores[j]);
  }
  let sum = 0;
  for (let j = 0; j <= t; j++) sum += Math.exp(scores[j] - max);
  const lse = max + Math.log(sum);
  return { P: scores.map((x) => Math.exp(x - lse)), lse };
}

/** out (B, T, nHead·hd) and lse (B, nHead, T) for qkv (B, T, (nHead + 2·nKvHead)·hd). */
export function attentionForwardRef(qkv: ArrayLike<number>, s: AttentionShape): { out: Float64Array; lse: Float64Array } {
  const { B, T, nHead, nKvHead, headDim: hd } = s;
  const L = layout(s);
  const out = new Float64Array(B * T * nHead * hd);
  const lse = new Float64Array(B * nHead * T);
  for (let b = 0; b < B; b++) for (let h = 0; h < nHead; h++) for (let t = 0; t < T; t++) {
    const kh = Math.floor(h / (nHead / nKvHead));
    const r = probs(qkv, s, L, b, t, h);
    lse[(b * nHead + h) * T + t] = r.lse;
    const oo = L.o(b, t, h);
    for (let j = 0; j <= t; j++) {
      const vo = L.v(b, j, kh);
      for (let d = 0; d < hd; d++) out[oo + d] += r.P[j] * qkv[vo + d];
    }
  }
  return { out, lse };
}

/** dqkv (like qkv): the gradient of Σ out·dout with respect to qkv. */
export function attentionBackwardRef(qkv: ArrayLike<number>, dout: ArrayLike<number>, s: AttentionShape): Float64Array {
  const { B, T, nHead, nKvHead, headDim: hd } = s;
  const L = layout(s);
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float64Array(B * T * L.rowStride);
  for (let b = 0; b < B; b++) for (let h = 0; h < nHead; h++) for (let t = 0; t < T; t++) {
    const kh = Math.floor(h / (nHead / nKvHead));
    const { P } = probs(qkv, s, L, b, t, h);
    const oo = L.o(b, t, h);
    const qo = L.q(b, t, h);
    // dP_j = dout_t · v_j; dS_j = P_j (dP_j − Σ_i P_i dP_i).
    const dP = new Float64Array(t + 1);
    let mean = 0;
    for (let j = 0; j <= t; j++) {
      const vo = L.v(b, j, kh);
      for (let d = 0; d < hd; d++) dP[j] += dout[oo + d] * qkv[vo + d];
      mean += P[j] * dP[j];
    }
    for (let j = 0; j <= t; j++) {
      const ko = L.k(b, j, kh);
      const vo = L.v(b, j, kh);
      const dS = P[j] * (dP[j] - mean) * scale;
      for (let d = 0; d < hd; d++) {
        dqkv[qo + d] += dS * qkv[ko + d];
        dqkv[ko + d] += dS * qkv[qo + d];
        dqkv[vo + d] += P[j] * dout[oo + d];
      }
    }
  }
  return dqkv;
}
