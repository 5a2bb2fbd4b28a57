// CPU reference for embedding.ts, in float64.
export function embeddingForwardRef(tokens: ArrayLike<number>, wte: ArrayLike<number>, wpe: ArrayLike<number> | null, B: number, T: number, C: number, posOffset = 0): Float64Array {
  const out = new Float64Array(B * T * C);
  for (let r = 0; r < B * T; r++) {
    const t = (r % T) + posOffset;
    for (let c = 0; c < C; c++) out[r * C + c] = wte[tokens[r] * C + c] + (wpe ? wpe[t * C + c] : 0);
  }
  return out;
}

/** Returns the increments (dwte (V, C), dwpe (T, C)) for upstream gradient dout (B·T, C). */
export function embeddingBackwardRef(tokens: ArrayLike<number>, dout: ArrayLike<number>, B: number, T: number, C: number, V: number): { dwte: Float64Array; dwpe: Float64Array } {
  const dwte = new Float64Array(V * C);
  const dwpe = new Float64Array(T * C);
  for (let r = 0; r < B * T; r++) {
    const t = r % T;
    for (let c = 0; c < C; c++) {
      dwte[tokens[r] * C + c] += dout[r * C + c];
      dwpe[t * C + c] += dout[r * C + c];
    }
  }
  return { dwte, dwpe };
}
