// CPU reference for layernorm.ts, in float64.

export function layernormForwardRef(x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number> | null, rows: number, C: number, eps = 1e-5): { y: Float64Array; mean: Float64Array; rstd: Float64Array } {
  const y = new Float64Array(rows * C);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += x[o + c];
    const mu = s / C;
    let q = 0;
    for (let c = 0; c < C; c++) q += (x[o + c] - mu) ** 2;
    const rs = 1 / Math.sqrt(q / C + eps);
    for (let c = 0; c < C; c++) y[o + c] = (x[o + c] - mu) * rs * weight[c] + (bias ? bias[c] : 0);
    mean[r] = mu;
    rstd[r] = rs;
  }
  return { y, mean, rstd };
}

/** Returns the increments (dx, dweight, dbias) for upstream gradient dy (rows, C). */
export function layernormBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, weight: ArrayLike<number>, mean: ArrayLike<number>, rstd: ArrayLike<number>, rows: number, C: number): { dx: Float64Array; dweight: Float64Array; dbias: Float64Array } {
  const dx = new Float64Array(rows * C);
  const dweight = new Float64Array(C);
  const dbias = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let sg = 0, sgx = 0;
    for (let c = 0; c < C; c++) {
      const xhat = (x[o + c] - mean[r]) * rstd[r];
      const g = dy[o + c] * weight[c];
      sg += g;
      sgx += g * xhat;
      dweight[c] += dy[o + c] * xhat;
      dbias[c] += dy[o + c];
    }
    for (let c = 0; c < C; c++) {
      const xhat = (x[o + c] - mean[r]) * rstd[r];
      dx[o + c] = rstd[r] * (dy[o + c] * weight[c] - sg / C - xhat * sgx / C);
    }
  }
  return { dx, dweight, dbias };
}
