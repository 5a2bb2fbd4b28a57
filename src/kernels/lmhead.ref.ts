// CPU reference for lmhead.ts, in float64: the unfused LM head + cross-entropy written out.
//   logits (rows, V) = hidden (rows, C) · Wᵀ, W (V, C)
//   losses = lse − logits[target] (0 where the target is outside [0, V)), lse per row
//   dlogits = rowGrad · (softmax − onehot) (0 for ignored rows), dHidden = dlogits · W, dW = dlogitsᵀ · hidden

export interface LmHeadRefArgs {
  hidden: ArrayLike<number>;
  w: ArrayLike<number>;
  targets: ArrayLike<number>;
  rowGrad: ArrayLike<number>;
  rows: number;
  C: number;
  V: number;
}

export function lmHeadRef({ hidden, w, targets, rowGrad, rows, C, V }: LmHeadRefArgs): { losses: Float64Array; lse: Float64Array; dHidden: Float64Array; dW: Float64Array } {
  const losses = new Float64Array(rows), lse = new Float64Array(rows);
  const dHidden = new Float64Array(rows * C), dW = new Float64Array(V * C);
  const logits = new Float64Array(V);
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let k = 0; k < C; k++) s += hidden[r * C + k] * w[v * C + k];
      logits[v] = s;
      mx = Math.max(mx, s);
    }
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[v] - mx);
    lse[r] = mx + Math.log(sum);
    const t = targets[r];
    if (!(t >= 0 && t < V)) continue;
    losses[r] = lse[r] - logits[t];
    for (let v = 0; v < V; v++) {
      const d = rowGrad[r] * (Math.exp(logits[v] - lse[r]) - (v === t ? 1 : 0));
      for (let k = 0; k < C; k++) {
        dHidden[r * C + k] += d * w[v * C + k];
        dW[v * C + k] += d * hidden[r * C + k];
      }
    }
  }
  return { losses, lse, dHidden, dW };
}
