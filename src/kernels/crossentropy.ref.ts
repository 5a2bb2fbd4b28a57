// CPU reference for crossentropy.ts, in float64. Targets outside [0, V) (−1) are ignored.
const counted = (t: number, V: number) => t >= 0 && t < V;

export function crossEntropyForwardRef(logits: ArrayLike<number>, targets: ArrayLike<number>, N: number, V: number): { losses: Float64Array; lse: Float64Array } {
  const losses = new Float64Array(N);
  const lse = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let mx = -Infinity;
    for (let v = 0; v < V; v++) mx = Math.max(mx, logits[r * V + v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[r * V + v] - mx);
    lse[r] = mx + Math.log(s);
    if (counted(targets[r], V)) losses[r] = lse[r] - logits[r * V + targets[r]];
  }
  return { losses, lse };
}

/** dlogits (N, V) = rowGrad[r] · (softmax(logits_r) − onehot(target_r)), 0 for ignored rows. */
export function crossEntropyBackwardRef(logits: ArrayLike<number>, targets: ArrayLike<number>, rowGrad: ArrayLike<number>, N: number, V: number): Float64Array {
  const { lse } = crossEntropyForwardRef(logits, targets, N, V);
  const d = new Float64Array(N * V);
  for (let r = 0; r < N; r++) {
    if (!counted(targets[r], V)) continue;
    for (let v = 0; v < V; v++) d[r * V + v] = rowGrad[r] * (Math.exp(logits[r * V + v] - lse[r]) - (v === targets[r] ? 1 : 0));
  }
  return d;
}

/** Mean loss over counted rows (0 when none) and rowGrad = gradScale / count on counted rows. */
export function meanLossRef(losses: ArrayLike<number>, targets: ArrayLike<number>, V: number, gradScale = 1): { mean: number; rowGrad: Float64Array } {
  let s = 0, count = 0;
  for (let r = 0; r < targets.length; r++) if (counted(targets[r], V)) { s += losses[r]; count++; }
  const rowGrad = new Float64Array(targets.length);
  for (let r = 0; r < targets.length; r++) if (counted(targets[r], V)) rowGrad[r] = gradScale / count;
  return { mean: count > 0 ? s / count : 0, rowGrad };
}
