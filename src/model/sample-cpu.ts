// Picking the next token from logits on the CPU: temperature, top-k, top-p (nucleus), seeded.
// The GPU computes the logits; one row of V floats is read back per generated token, which
// streaming needs anyway (the page shows each token as it comes).
import type { Rng } from '../util/rng';

export interface SamplingParams {
  /** 0 means greedy (argmax). */
  temperature: number;
  /** Keep the k most likely tokens; 0 = all. */
  topK: number;
  /** Keep the smallest set whose probability reaches p; 1 = all. */
  topP: number;
}

export function checkSampling(p: SamplingParams): void {
  if (!(p.temperature >= 0 && p.temperature <= 10)) throw new Error(`Temperature must be between 0 and 10, got ${p.temperature}.`);
  if (!(Number.isInteger(p.topK) && p.topK >= 0)) throw new Error(`top-k must be a whole number ≥ 0, got ${p.topK}.`);
  if (!(p.topP > 0 && p.topP <= 1)) throw new Error(`top-p must be in (0, 1], got ${p.topP}.`);
}

export function pickToken(logits: Float32Array, p: SamplingParams, rng: Rng): number {
  const V = logits.length;
  if (p.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let ids = Array.from({ length: V }, (_, i) => i);
  if (p.topK > 0 && p.topK < V) {
    ids.sort((a, b) => logits[b] - logits[a]);
    ids = ids.slice(0, p.topK);
  }
  let m = -Infinity;
  for (const i of ids) m = Math.max(m, logits[i]);
  let probs = ids.map((i) => Math.exp((logits[i] - m) / p.temperature));
  let sum = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((x) => x / sum);
  if (p.topP < 1) {
    const order = probs.map((_, k) => k).sort((a, b) => probs[b] - probs[a]);
    const keep: number[] = [];
    let acc = 0;
    for (const k of order) { keep.push(k); acc += probs[k]; if (acc >= p.topP) break; }
    ids = keep.map((k) => ids[k]);
    probs = keep.map((k) => probs[k]);
    sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((x) => x / sum);
  }
  let r = rng.next();
  for (let k = 0; k < ids.length; k++) {
    r -= probs[k];
    if (r < 0) return ids[k];
  }
  return ids[ids.length - 1];
}
