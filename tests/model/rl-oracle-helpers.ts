// Test helper for the RL oracle tests: a (B, T) batch shaped like RL data — a prompt (targets −1),
// a response (targets = next token), then padding (−1) — and the oracle's per-token log-probs.
import { Rng } from '../../src/util/rng';
import type { ModelConfig } from '../../src/model/config';
import { packSequences } from '../../src/train/rl/batch';

export function rlBatch(config: ModelConfig, B: number, T: number, seed: number) {
  const rng = new Rng(seed);
  const prompts: number[][] = [], responses: number[][] = [];
  for (let b = 0; b < B; b++) {
    const p = 1 + rng.int(4), r = 1 + rng.int(T - p);
    prompts.push(Array.from({ length: p }, () => rng.int(config.vocabSize)));
    responses.push(Array.from({ length: r }, () => rng.int(config.vocabSize)));
  }
  const packed = packSequences(prompts, responses, T);
  const mask = Float32Array.from(packed.targets, (t) => (t >= 0 ? 1 : 0));
  return { ...packed, mask, count: mask.reduce((a, b) => a + b, 0), rng };
}
