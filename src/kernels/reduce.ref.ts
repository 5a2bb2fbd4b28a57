// CPU references for reduce.ts, in float64.
export function sumSquaresRef(ranges: { x: ArrayLike<number>; offset?: number; n: number }[]): number {
  let s = 0;
  for (const { x, offset = 0, n } of ranges) for (let i = 0; i < n; i++) s += x[offset + i] * x[offset + i];
  return s;
}

/** Returns a copy of x with x[offset, offset + n) scaled by alpha. */
export function scaleRef(x: ArrayLike<number>, alpha: number, offset = 0, n = x.length - offset): Float64Array {
  const out = Float64Array.from(x);
  for (let i = offset; i < offset + n; i++) out[i] *= alpha;
  return out;
}
