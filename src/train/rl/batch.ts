// Packing prompt + response pairs into the fixed (B, T) batches the GPU model trains on, on the CPU.
// Row b holds prompt ++ response, then padding (id 0). Targets are the next token on response
// positions only — row t's target is the token at t + 1 for t from |prompt| − 1 to the row's end −
// 2 — and −1 elsewhere, so every per-token RL quantity lives at the row that predicts the token.
export interface PackedBatch {
  tokens: Int32Array;  // (B·T)
  targets: Int32Array; // (B·T), −1 off the response
  B: number;
  T: number;
}

export function packSequences(prompts: number[][], responses: number[][], T: number): PackedBatch {
  const B = prompts.length;
  if (responses.length !== B) throw new Error(`packSequences: ${B} prompts but ${responses.length} responses.`);
  const tokens = new Int32Array(B * T), targets = new Int32Array(B * T).fill(-1);
  for (let b = 0; b < B; b++) {
    const p = prompts[b], r = responses[b], len = p.length + r.length;
    if (p.length === 0) throw new Error('packSequences: a prompt needs at least one token.');
    if (len > T) throw new Error(`A prompt of ${p.length} tokens and a response of ${r.length} exceed the training length ${T}.`);
    tokens.set(p, b * T);
    tokens.set(r, b * T + p.length);
    for (let t = p.length - 1; t < len - 1; t++) targets[b * T + t] = tokens[b * T + t + 1];
  }
  return { tokens, targets, B, T };
}

/** Rows `rows` of a packed batch, in that order (a minibatch). */
export function selectRows(batch: PackedBatch, rows: number[]): PackedBatch {
  const { T } = batch, tokens = new Int32Array(rows.length * T), targets = new Int32Array(rows.length * T);
  rows.forEach((r, i) => {
    tokens.set(batch.tokens.subarray(r * T, (r + 1) * T), i * T);
    targets.set(batch.targets.subarray(r * T, (r + 1) * T), i * T);
  });
  return { tokens, targets, B: rows.length, T };
}

/** Indices grouped by the length of their item, in first-seen order, each group in index order. */
export function groupByLength(items: { length: number }[]): number[][] {
  const groups = new Map<number, number[]>();
  items.forEach((x, i) => {
    const g = groups.get(x.length);
    if (g) g.push(i); else groups.set(x.length, [i]);
  });
  return [...groups.values()];
}

/** GRPO advantages: (r − group mean) / (group std + eps) over consecutive groups of G rewards. */
export function groupAdvantages(rewards: ArrayLike<number>, G: number, eps = 1e-6): Float64Array {
  if (rewards.length % G !== 0) throw new Error(`${rewards.length} rewards do not split into groups of ${G}.`);
  const out = new Float64Array(rewards.length);
  for (let g = 0; g < rewards.length; g += G) {
    let mean = 0;
    for (let i = 0; i < G; i++) mean += rewards[g + i] / G;
    let variance = 0;
    for (let i = 0; i < G; i++) variance += (rewards[g + i] - mean) ** 2 / G;
    const std = Math.sqrt(variance);
    for (let i = 0; i < G; i++) out[g + i] = (rewards[g + i] - mean) / (std + eps);
  }
  return out;
}
