// CPU reference for swiglu.ts, in float64.
const sigmoid = (g: number): number => 1 / (1 + Math.exp(-g));

/** y (rows, H) = silu(g) · u for x (rows, 2H) = [g | u]. */
export function swigluForwardRef(x: ArrayLike<number>, rows: number, H: number): Float64Array {
  const y = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const g = x[r * 2 * H + j];
      y[r * H + j] = g * sigmoid(g) * x[r * 2 * H + H + j];
    }
  }
  return y;
}

/** dx (rows, 2H) for upstream gradient dy (rows, H). */
export function swigluBackwardRef(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, H: number): Float64Array {
  const dx = new Float64Array(rows * 2 * H);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      const gi = r * 2 * H + j;
      const g = x[gi];
      const u = x[gi + H];
      const s = sigmoid(g);
      const d = dy[r * H + j];
      dx[gi] = d * u * s * (1 + g * (1 - s));
      dx[gi + H] = d * g * s;
    }
  }
  return dx;
}
