// Small numeric helpers that production code and CPU references both need (a reference is never
// imported by production code, so what both use lives here).

/** softplus(−m) = −log σ(m), computed without overflow. */
export function negLogSigmoid(m: number): number {
  return Math.max(-m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
}
