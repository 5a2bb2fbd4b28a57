// CPU reference for rope.ts, in float64: returns a rotated copy of qkv (B, T, (nHead + 2·nKvHead)·hd).
export interface RopeRefShape { B: number; T: number; nHead: number; nKvHead: number; headDim: number; base: number; inverse?: boolean; posOffset?: number }

export function ropeRef(qkv: ArrayLike<number>, { B, T, nHead, nKvHead, headDim, base, inverse = false, posOffset = 0 }: RopeRefShape): Float64Array {
  const out = Float64Array.from(qkv);
  const half = headDim / 2;
  const stride = (nHead + 2 * nKvHead) * headDim;
  const sign = inverse ? -1 : 1;
  for (let r = 0; r < B * T; r++) {
    const pos = (r % T) + posOffset;
    for (let h = 0; h < nHead + nKvHead; h++) {
      for (let i = 0; i < half; i++) {
        const theta = pos * base ** ((-2 * i) / headDim);
        const c = Math.cos(theta), s = sign * Math.sin(theta);
        const a = r * stride + h * headDim + i;
        const x0 = qkv[a], x1 = qkv[a + half];
        out[a] = x0 * c - x1 * s;
        out[a + half] = x0 * s + x1 * c;
      }
    }
  }
  return out;
}
