// CPU reference for softmax.ts, in float64.

/** Row softmax of x (rows, cols). */
export function softmaxForwardRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[o + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += (y[o + c] = Math.exp(x[o + c] - m));
    for (let c = 0; c < cols; c++) y[o + c] /= s;
  }
  return y;
}

/** dx = y ∘ (dy − rowsum(dy ∘ y)) for the softmax output y (rows, cols). */
export function softmaxBackwardRef(y: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
  return dx;
}
