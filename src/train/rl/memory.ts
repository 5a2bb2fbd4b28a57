// GPU memory an RL setup needs, planned before anything is allocated: the policy (weights,
// gradients, AdamW moments), the frozen reference and a reward model (weights only: they are built
// with trainable: false), one activation plan that the policy, the reference
// and a same-shaped reward model share, the LM head's logits, PPO's value head, the rollout
// buffers and the KV-cache sampler. rlMemoryCheck compares it with the adapter's limits: every
// single buffer against maxBufferSize / maxStorageBufferBindingSize, and the total against an
// optional budget (WebGPU does not report how much memory a device has).
import { activationBytes } from '../../model/activations';
import { qkvWidth, type ModelConfig } from '../../model/config';
import { countParams } from '../../model/params';
import { KvSampler } from '../../model/sampler';
import { checkBufferFits } from '../../gpu/limits';
import { formatBytes } from '../../util/format';
import { rolloutRows, type RlSettings } from './settings';

export interface MemoryItem { name: string; bytes: number }

export interface RlMemoryPlan {
  items: MemoryItem[];
  /** The largest single buffers, each checked against the per-buffer limits. */
  buffers: MemoryItem[];
  total: number;
}

export interface RlMemorySetup {
  config: ModelConfig;
  settings: RlSettings;
  /** Training sequence length (prompt + response). */
  T: number;
  /** A reference model is loaded (PPO / GRPO with a KL term; always for DPO). */
  reference: boolean;
  /** Config of a learned reward model, when one scores the samples. */
  rewardModel?: ModelConfig;
}

export function rlMemoryPlan({ config: c, settings: s, T, reference, rewardModel }: RlMemorySetup): RlMemoryPlan {
  const P = countParams(c), V = c.vocabSize, C = c.dModel;
  const rows = s.method === 'dpo' ? 2 * s.pairsPerStep : s.minibatch;
  const N = rows * T;
  const items: MemoryItem[] = [
    { name: 'policy weights', bytes: 4 * P },
    { name: 'policy gradients', bytes: 4 * P },
    { name: 'AdamW moments', bytes: 8 * P },
    { name: `activations (${rows} × ${T}, shared by every model pass)`, bytes: activationBytes(c, rows, T) },
    { name: 'logits, losses, rowGrad', bytes: 4 * N * (V + 3) },
    { name: 'batch tokens, targets, buckets', bytes: 4 * (3 * N + 2 * Math.min(V, N) + 1) },
  ];
  if (reference) items.push({ name: 'reference weights (frozen: no gradients)', bytes: 4 * P });
  if (s.method === 'ppo') items.push({ name: 'value head', bytes: 4 * (2 * C + 2 + 2 * N + 2) });
  if (s.method !== 'dpo') {
    const R = rolloutRows(s), K = s.epochs * (R / s.minibatch);
    items.push({ name: `rollout buffers (${R} samples)`, bytes: 4 * (6 * R * T + 5 * N + 3 * R + 6 * K + 2 * R) });
    items.push({ name: 'KV-cache sampler', bytes: KvSampler.bytes(c, T, Math.min(R, 128)) });
  } else {
    items.push({ name: 'sequence log-probs', bytes: 4 * (4 * s.pairsPerStep + 40) });
  }
  if (rewardModel) {
    const Pr = countParams(rewardModel);
    items.push({ name: 'reward model weights (frozen: no gradients)', bytes: 4 * Pr });
    const shared = JSON.stringify(rewardModel) === JSON.stringify(c);
    if (!shared) items.push({ name: 'reward model activations', bytes: activationBytes(rewardModel, rows, T) });
    items.push({ name: 'reward head', bytes: 4 * (2 * rewardModel.dModel + 2 + 3 * N) });
  }
  const samplerRows = s.method === 'dpo' ? 0 : Math.min(rolloutRows(s), 128);
  const buffers: MemoryItem[] = [
    { name: `the logits of ${N} tokens`, bytes: 4 * N * V },
    { name: 'the token embedding', bytes: 4 * V * C },
    { name: 'one layer\'s qkv activations', bytes: 4 * N * qkvWidth(c) },
    { name: 'one layer\'s MLP activations', bytes: 4 * N * (c.mlp === 'swiglu' ? 2 : 1) * c.mlpHidden },
  ];
  if (samplerRows > 0) buffers.push({ name: 'one layer\'s KV cache', bytes: 4 * samplerRows * T * qkvWidth(c) });
  return { items, buffers, total: items.reduce((a, x) => a + x.bytes, 0) };
}

export interface RlMemoryCheck { total: number; fits: boolean; problems: string[]; summary: string }

export function rlMemoryCheck(limits: GPUSupportedLimits, plan: RlMemoryPlan, budgetBytes?: number): RlMemoryCheck {
  const problems: string[] = [];
  for (const b of plan.buffers) {
    try { checkBufferFits(limits, b.bytes, b.name); } catch (e) { problems.push((e as Error).message); }
  }
  if (budgetBytes !== undefined && plan.total > budgetBytes)
    problems.push(`This RL setup needs ${formatBytes(plan.total)} of GPU memory, more than the ${formatBytes(budgetBytes)} budget. Use a smaller minibatch, rollout or response length.`);
  const lines = plan.items.map((i) => `  ${i.name.padEnd(48)} ${formatBytes(i.bytes)}`);
  return { total: plan.total, fits: problems.length === 0, problems, summary: [...lines, `  ${'total'.padEnd(48)} ${formatBytes(plan.total)}`].join('\n') };
}
