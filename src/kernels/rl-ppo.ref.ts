// CPU references for rl-ppo.ts, in float64. Rows whose target is outside [0, V) are ignored.
const counted = (t: number, V: number) => t >= 0 && t < V;

export interface PolicyLossRefArgs {
  losses: ArrayLike<number>; targets: ArrayLike<number>; oldNll: ArrayLike<number>; adv: ArrayLike<number>;
  refNll?: ArrayLike<number>; V: number; clip: number; klCoef?: number; gradScale?: number;
}

/** Loss, rowGrad = ∂loss/∂losses and the four stats of rl_policy_loss.wgsl. */
export function policyLossRef(a: PolicyLossRefArgs): { loss: number; rowGrad: Float64Array; stats: Float64Array } {
  const N = a.targets.length, kl = a.klCoef ?? 0, scale = a.gradScale ?? 1;
  let n = 0;
  for (let r = 0; r < N; r++) if (counted(a.targets[r], a.V)) n++;
  const inv = n > 0 ? 1 / n : 0;
  const rowGrad = new Float64Array(N);
  const stats = new Float64Array(4);
  let loss = 0;
  for (let r = 0; r < N; r++) {
    if (!counted(a.targets[r], a.V)) continue;
    const logp = -a.losses[r], A = a.adv[r];
    const dOld = logp + a.oldNll[r];
    const ratio = Math.exp(dOld);
    const pg1 = -A * ratio, pg2 = -A * Math.min(Math.max(ratio, 1 - a.clip), 1 + a.clip);
    let g = pg1 >= pg2 ? A * ratio : 0;
    let k3 = 0;
    if (kl !== 0) {
      const d = logp + a.refNll![r];
      k3 = Math.exp(-d) + d - 1;
      g += kl * (Math.exp(-d) - 1);
    }
    rowGrad[r] = scale * inv * g;
    loss += scale * inv * (Math.max(pg1, pg2) + kl * k3);
    stats[0] += Math.max(pg1, pg2); stats[1] += k3; stats[2] += pg2 > pg1 ? 1 : 0; stats[3] += 0.5 * dOld * dOld;
  }
  for (let i = 0; i < 4; i++) stats[i] *= inv;
  return { loss, rowGrad, stats };
}

export interface ValueLossRefArgs {
  values: ArrayLike<number>; targets: ArrayLike<number>; oldValues: ArrayLike<number>; returns: ArrayLike<number>;
  V: number; clip: number; coef: number; gradScale?: number;
}

/** Loss, dValues = ∂loss/∂values and the two stats of rl_value_loss.wgsl. */
export function valueLossRef(a: ValueLossRefArgs): { loss: number; dValues: Float64Array; stats: Float64Array } {
  const N = a.targets.length, scale = (a.gradScale ?? 1) * a.coef;
  let n = 0;
  for (let r = 0; r < N; r++) if (counted(a.targets[r], a.V)) n++;
  const inv = n > 0 ? 1 / n : 0;
  const dValues = new Float64Array(N);
  const stats = new Float64Array(2);
  let loss = 0;
  for (let r = 0; r < N; r++) {
    if (!counted(a.targets[r], a.V)) continue;
    const v = a.values[r], vOld = a.oldValues[r], R = a.returns[r];
    const dv = v - vOld;
    const vClip = vOld + Math.min(Math.max(dv, -a.clip), a.clip);
    const l1 = (v - R) ** 2, l2 = (vClip - R) ** 2;
    dValues[r] = scale * inv * (l1 >= l2 ? v - R : Math.abs(dv) < a.clip ? vClip - R : 0);
    loss += scale * inv * 0.5 * Math.max(l1, l2);
    stats[0] += 0.5 * Math.max(l1, l2); stats[1] += l2 > l1 ? 1 : 0;
  }
  stats[0] *= inv; stats[1] *= inv;
  return { loss, dValues, stats };
}

export interface GaeRefArgs {
  targets: ArrayLike<number>; oldNll: ArrayLike<number>; refNll: ArrayLike<number>; values: ArrayLike<number>;
  scores: ArrayLike<number>; B: number; T: number; V: number; gamma: number; lambda: number; klCoef: number; scoreClip: number;
}

/** Rewards and GAE as rl_gae.wgsl defines them, by the recursion A_t = δ_t + γλ·A_{t+1}. */
export function gaeRef(a: GaeRefArgs): { adv: Float64Array; returns: Float64Array; rewards: Float64Array } {
  const N = a.B * a.T;
  const adv = new Float64Array(N), returns = new Float64Array(N), rewards = new Float64Array(N);
  for (let b = 0; b < a.B; b++) {
    const rows: number[] = [];
    for (let t = 0; t < a.T; t++) if (counted(a.targets[b * a.T + t], a.V)) rows.push(b * a.T + t);
    let nextV = 0, nextA = 0;
    for (let k = rows.length - 1; k >= 0; k--) {
      const i = rows[k];
      let r = -a.klCoef * (a.refNll[i] - a.oldNll[i]);
      if (k === rows.length - 1) r += Math.min(Math.max(a.scores[b], -a.scoreClip), a.scoreClip);
      rewards[i] = r;
      const A = r + a.gamma * nextV - a.values[i] + a.gamma * a.lambda * nextA;
      adv[i] = A;
      returns[i] = A + a.values[i];
      nextV = a.values[i];
      nextA = A;
    }
  }
  return { adv, returns, rewards };
}

/** (x − mean) / sqrt(var + 1e-8) over counted rows (population variance); 0 elsewhere. */
export function whitenRef(x: ArrayLike<number>, targets: ArrayLike<number>, V: number): Float64Array {
  let n = 0, s = 0;
  for (let r = 0; r < x.length; r++) if (counted(targets[r], V)) { n++; s += x[r]; }
  const mean = s / Math.max(n, 1);
  let q = 0;
  for (let r = 0; r < x.length; r++) if (counted(targets[r], V)) q += (x[r] - mean) ** 2;
  const scale = 1 / Math.sqrt(q / Math.max(n, 1) + 1e-8);
  return Float64Array.from(x, (v, r) => (counted(targets[r], V) ? (v - mean) * scale : 0));
}
