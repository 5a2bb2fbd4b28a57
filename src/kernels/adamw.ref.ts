// CPU reference for adamw.ts in float64: one AdamW step (PyTorch semantics) with clipping by the
// given global norm. Returns new arrays; a non-finite norm returns unchanged copies (skipped step).
export interface AdamWRefHyper {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  step: number; gradNorm: number; maxNorm: number;
}

export function adamwRef(param: ArrayLike<number>, grad: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>, h: AdamWRefHyper): { param: Float64Array; m: Float64Array; v: Float64Array } {
  const p1 = Float64Array.from(param), m1 = Float64Array.from(m), v1 = Float64Array.from(v);
  if (!Number.isFinite(h.gradNorm)) return { param: p1, m: m1, v: v1 };
  const clip = h.maxNorm > 0 ? Math.min(1, h.maxNorm / (h.gradNorm + 1e-6)) : 1;
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2 = 1 - h.beta2 ** h.step;
  for (let i = 0; i < p1.length; i++) {
    const g = grad[i] * clip;
    p1[i] *= 1 - h.lr * h.weightDecay;
    m1[i] = h.beta1 * m1[i] + (1 - h.beta1) * g;
    v1[i] = h.beta2 * v1[i] + (1 - h.beta2) * g * g;
    const mHat = m1[i] / bc1;
    const vHat = v1[i] / bc2;
    p1[i] -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
  }
  return { param: p1, m: m1, v: v1 };
}

/** Global L2 norm of several arrays, float64. */
export function globalNormRef(arrays: ArrayLike<number>[]): number {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}
