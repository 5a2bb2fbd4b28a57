// Test helper for the RL end-to-end tests: a small chat model that has had a brief SFT on a
// built-in task (so it has some accuracy to improve), as checkpoint bytes — the same pipeline the
// CLI runs: base checkpoint → SftRun (adds the chat tokens) → RL.
import type { Gpu } from '../../src/gpu/gpu';
import { presetConfig, type ConfigOverrides } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { CharTokenizer } from '../../src/tokenizer';
import { CHAT_TOKENS } from '../../src/data/chat/template';
import { SftRun } from '../../src/train/sft';
import { sftExamples, drawItems, type TaskFamily } from '../../src/tasks';

export interface SftSetup { steps: number; lr: number; batchSize: number; seed: number; model: ConfigOverrides }

export async function sftCheckpoint(gpu: Gpu, families: TaskFamily[], o: SftSetup): Promise<{ bytes: Uint8Array; seconds: number }> {
  const text = [...drawItems(families, { split: 'train', count: 400, seed: 1 }), ...drawItems(families, { split: 'heldout', count: 100, seed: 1 })]
    .map((it) => it.prompt + it.answer).join('\n');
  const tokenizer = CharTokenizer.fromCorpus(text, { byteFallback: false });
  const config = presetConfig('tiny', { ...o.model, vocabSize: tokenizer.vocabSize + CHAT_TOKENS.length });
  const weights = initParams(config, o.seed);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
  const base = encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), stage: 'pretrain', step: 0, params });
  const t0 = performance.now();
  const sft = SftRun.fromCheckpoint(gpu, base, { train: sftExamples(families, 4000, o.seed) },
    { settings: { steps: o.steps, lr: o.lr, minLr: o.lr / 10, warmupSteps: 10, batchSize: o.batchSize, evalEvery: 0, valFraction: 0, seed: o.seed, readEvery: 50 } });
  await sft.run();
  const bytes = await sft.checkpoint(false);
  sft.destroy();
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}
