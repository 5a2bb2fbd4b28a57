// CPU reference for pairwise-loss.ts, in float64.
import { negLogSigmoid } from '../util/math';
const reward = (values: ArrayLike<number>, last: ArrayLike<number>, row: number, T: number) => values[row * T + last[row]];


export function pairwiseLossForwardRef(values: ArrayLike<number>, last: ArrayLike<number>, P: number, T: number): { stats: Float64Array; summary: Float64Array } {
  const stats = new Float64Array(4 * P);
  let loss = 0, correct = 0, margin = 0;
  for (let p = 0; p < P; p++) {
    const rc = reward(values, last, 2 * p, T), rr = reward(values, last, 2 * p + 1, T), m = rc - rr;
    const l = negLogSigmoid(m), c = m > 0 ? 1 : 0;
    stats.set([rc, rr, l, c], 4 * p);
    loss += l; correct += c; margin += m;
  }
  return { stats, summary: Float64Array.of(loss / P, correct / P, margin / P, P) };
}

/** ∂(gradScale · mean_p softplus(−m_p)) / ∂values, (2P·T). */
export function pairwiseLossBackwardRef(values: ArrayLike<number>, last: ArrayLike<number>, P: number, T: number, gradScale = 1): Float64Array {
  const d = new Float64Array(2 * P * T);
  for (let p = 0; p < P; p++) {
    const m = reward(values, last, 2 * p, T) - reward(values, last, 2 * p + 1, T);
    const g = (gradScale / P) / (1 + Math.exp(m)); // σ(−m)
    d[2 * p * T + last[2 * p]] = -g;
    d[(2 * p + 1) * T + last[2 * p + 1]] = g;
  }
  return d;
}
