// GPU memory a language-model training run (pretrain, SFT, reward) needs, planned from its config,
// rows per micro-batch and sequence length before anything is built: weights, gradients, AdamW
// moments, activations, the LM head's logits and the batch buffers. checkLmMemory refuses, in one
// line with the numbers, a plan whose largest buffers exceed the adapter's per-buffer limits or
// whose total exceeds a budget (WebGPU does not say how much memory a device has, so the budget is
// the user's). Does not allocate anything; RL plans its own (rl/memory.ts).
import { activationBytes } from '../model/activations';
import { fcWidth, qkvWidth, type ModelConfig } from '../model/config';
import { countParams } from '../model/params';
import { checkBufferFits } from '../gpu/limits';
import { formatBytes } from '../util/format';

export interface LmMemoryPlan {
  items: { name: string; bytes: number }[];
  buffers: { name: string; bytes: number }[];
  total: number;
}

/** rows × T tokens per micro-batch. */
export function lmMemoryPlan(c: ModelConfig, rows: number, T: number): LmMemoryPlan {
  const P = countParams(c), N = rows * T, V = c.vocabSize;
  const items = [
    { name: 'weights', bytes: 4 * P },
    { name: 'gradients', bytes: 4 * P },
    { name: 'AdamW moments', bytes: 8 * P },
    { name: `activations (${rows} × ${T})`, bytes: activationBytes(c, rows, T) },
    { name: 'logits', bytes: 4 * N * (V + 3) },
    { name: 'batch', bytes: 4 * (3 * N + 2 * Math.min(V, N) + 1) },
  ];
  const buffers = [
    { name: `The logits of ${N} tokens`, bytes: 4 * N * V },
    { name: 'The token embedding', bytes: 4 * V * c.dModel },
    { name: 'The MLP\'s fc weight', bytes: 4 * fcWidth(c) * c.dModel },
    { name: 'One layer\'s qkv activations', bytes: 4 * N * qkvWidth(c) },
    { name: 'One layer\'s MLP activations', bytes: 4 * N * fcWidth(c) },
  ];
  return { items, buffers, total: items.reduce((a, x) => a + x.bytes, 0) };
}

/** Throws one line (with the plan's numbers) when the plan cannot fit; returns its total otherwise. */
export function checkLmMemory(limits: GPUSupportedLimits, plan: LmMemoryPlan, budgetBytes?: number): number {
  for (const b of plan.buffers) checkBufferFits(limits, b.bytes, b.name);
  if (budgetBytes !== undefined && plan.total > budgetBytes) {
    const parts = plan.items.map((i) => `${i.name} ${formatBytes(i.bytes)}`).join(', ');
    throw new Error(`This run needs ${formatBytes(plan.total)} of GPU memory (${parts}), more than the ${formatBytes(budgetBytes)} budget: use a smaller batch, a shorter --seq or a smaller model.`);
  }
  return plan.total;
}
