// CPU references for rl-dpo.ts, in float64. Rows whose target is outside [0, V) are ignored.
const counted = (t: number, V: number) => t >= 0 && t < V;

/** out[s] = Σ −losses over the counted rows of sequence s of an (S, T) batch. */
export function seqLogpRef(losses: ArrayLike<number>, targets: ArrayLike<number>, S: number, T: number, V: number): Float64Array {
  const out = new Float64Array(S);
  for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) if (counted(targets[s * T + t], V)) out[s] -= losses[s * T + t];
  return out;
}

export interface DpoLossRefArgs {
  losses: ArrayLike<number>; targets: ArrayLike<number>; refLogp: ArrayLike<number>;
  P: number; T: number; V: number; beta: number; gradScale?: number;
}

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** Loss, rowGrad = ∂loss/∂losses (2P·T) and the four stats of rl_dpo_loss.wgsl, from per-token losses. */
export function dpoLossRef(a: DpoLossRefArgs): { loss: number; rowGrad: Float64Array; stats: Float64Array } {
  const { P, T, V, beta } = a, scale = a.gradScale ?? 1;
  const logp = seqLogpRef(a.losses, a.targets, 2 * P, T, V);
  const rowGrad = new Float64Array(2 * P * T);
  const stats = new Float64Array(4);
  let loss = 0;
  for (let i = 0; i < P; i++) {
    const rc = beta * (logp[i] - a.refLogp[i]), rr = beta * (logp[P + i] - a.refLogp[P + i]);
    const h = rc - rr;
    loss += (scale * softplus(-h)) / P;
    stats[0] += softplus(-h); stats[1] += h > 0 ? 1 : h === 0 ? 0.5 : 0; stats[2] += rc; stats[3] += rr;
    const g = (scale * beta) / (1 + Math.exp(h)) / P;
    for (let t = 0; t < T; t++) {
      if (counted(a.targets[i * T + t], V)) rowGrad[i * T + t] = g;
      if (counted(a.targets[(P + i) * T + t], V)) rowGrad[(P + i) * T + t] = -g;
    }
  }
  for (let k = 0; k < 4; k++) stats[k] /= Math.max(P, 1);
  return { loss, rowGrad, stats };
}
