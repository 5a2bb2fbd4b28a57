// CPU reference for gelu.ts, in float64, written directly from the tanh form.
const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;

export function geluForwardRef(x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = 0.5 * v * (1 + Math.tanh(K * (v + A * v ** 3)));
  }
  return y;
}

/** dx = dy · gelu'(x). */
export function geluBackwardRef(x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = Math.tanh(K * (v + A * v ** 3));
    dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * K * (1 + 3 * A * v * v));
  }
  return dx;
}
