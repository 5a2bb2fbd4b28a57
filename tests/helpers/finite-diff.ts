// Central finite differences in float64, for checking backward references.
// f maps parameters to a scalar (e.g. sum(out * probe) for a fixed random probe).
export function numericGrad(f: (x: Float64Array) => number, x0: ArrayLike<number>, eps = 1e-5, indices?: number[]): Float64Array {
  const x = Float64Array.from(x0);
  const idx = indices ?? [...x.keys()];
  const g = new Float64Array(idx.length);
  idx.forEach((i, k) => {
    const old = x[i];
    x[i] = old + eps; const fp = f(x);
    x[i] = old - eps; const fm = f(x);
    x[i] = old;
    g[k] = (fp - fm) / (2 * eps);
  });
  return g;
}

/** sum_i a[i] * b[i] in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Picks `n` distinct indices in [0, size) spread over the range (deterministic). */
export function sampleIndices(size: number, n: number): number[] {
  if (size <= n) return [...Array(size).keys()];
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Math.floor(((k + 0.5) * size) / n));
  return out;
}
