// Held-out metrics of a reward model from the rewards of each pair: pairwise accuracy (a tie is
// wrong), mean margin, the mean Bradley–Terry loss, and the distributions of chosen and rejected
// rewards. Plain numbers, computed on the CPU from one readback per evaluation batch.
import { negLogSigmoid } from '../util/math';

export interface Distribution { mean: number; std: number; min: number; max: number }

export interface RewardMetrics {
  pairs: number;
  accuracy: number;
  meanMargin: number;
  loss: number;
  chosen: Distribution;
  rejected: Distribution;
}

function distribution(xs: readonly number[]): Distribution {
  const n = Math.max(xs.length, 1);
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

export function rewardMetrics(chosen: readonly number[], rejected: readonly number[]): RewardMetrics {
  if (chosen.length !== rejected.length) throw new Error('Chosen and rejected rewards must come in pairs.');
  const n = chosen.length;
  if (n === 0) throw new Error('There are no held-out pairs to score.');
  let correct = 0, margin = 0, loss = 0;
  for (let i = 0; i < n; i++) {
    const m = chosen[i] - rejected[i];
    if (m > 0) correct++;
    margin += m;
    loss += negLogSigmoid(m);
  }
  return { pairs: n, accuracy: correct / n, meanMargin: margin / n, loss: loss / n, chosen: distribution(chosen), rejected: distribution(rejected) };
}
