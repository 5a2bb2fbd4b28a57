// CPU reference for attention_decode.ts, in float64.
export function attentionDecodeRef(cache: ArrayLike<number>, B: number, Tmax: number, n: number, nHead: number, nKvHead: number, hd: number): Float64Array {
  const rowW = (nHead + 2 * nKvHead) * hd;
  const out = new Float64Array(B * nHead * hd);
  const scale = 1 / Math.sqrt(hd);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      const kvh = Math.floor(h / (nHead / nKvHead));
      const q = (b * Tmax + n - 1) * rowW + h * hd;
      const scores = new Float64Array(n);
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const k = (b * Tmax + j) * rowW + (nHead + kvh) * hd;
        let d = 0;
        for (let c = 0; c < hd; c++) d += cache[q + c] * cache[k + c];
        scores[j] = d * scale;
        m = Math.max(m, scores[j]);
      }
      let sum = 0;
      for (let j = 0; j < n; j++) { scores[j] = Math.exp(scores[j] - m); sum += scores[j]; }
      for (let c = 0; c < hd; c++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += scores[j] * cache[(b * Tmax + j) * rowW + (nHead + nKvHead + kvh) * hd + c];
        out[(b * nHead + h) * hd + c] = acc / sum;
      }
    }
  }
  return out;
}
