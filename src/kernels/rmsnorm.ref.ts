// CPU reference for rmsnorm.ts, in float64.

export function rmsnormForwardRef(x: ArrayLike<number>, weight: ArrayLike<number>, rows: number, C: number, eps = 1e-5): { y: Float64Array; rstd: Float64Array } {
  const y = new Float64Array(rows * C);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let q = 0;
    for (let c = 0; c < C; c++) q += x[o + c] ** 2;
    const rs = 1 / Math.sqrt(q / C + eps);
    for (let c = 0; c < C; c++) y[o + c] = x[o + c] * rs * weight[c];
    rstd[r] = rs;
  }
  return { y, rstd };
}

/** Returns the increments (dx, dweight) for upstream gradient dy (rows, C). */
export function rmsnormBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, weight: ArrayLike<number>, rstd: ArrayLike<number>, rows: number, C: number): { dx: Float64Array; dweight: Float64Array } {
  const dx = new Float64Array(rows * C);
  const dweight = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let sgx = 0;
    for (let c = 0; c < C; c++) {
      const xhat = x[o + c] * rstd[r];
      sgx += dy[o + c] * weight[c] * xhat;
      dweight[c] += dy[o + c] * xhat;
    }
    for (let c = 0; c < C; c++) dx[o + c] = rstd[r] * (dy[o + c] * weight[c] - x[o + c] * rstd[r] * sgx / C);
  }
  return { dx, dweight };
}
