// What the engine does with trained models besides training them: the SFT model's chat replies,
// the reward model's score of an answer, the RL policy's reply, and a preview of a chat dataset's
// tokens (which carry loss). Each takes the run it needs; none trains or loops.
import type { PostData, PreviewTokenInfo, SampleOptions } from './engine-types';
import type { SftRun } from './sft';
import type { RewardRun } from './reward';
import type { RlRun } from './rl/run';
import { readCheckpoint } from './checkpoint-io';
import { sampleResponses } from './rl/rollout';
import { KvSampler } from '../model/sampler';
import { chatTemplate } from '../data/chat/template';
import { previewExample } from '../data/chat/preview';
import { parseSftJsonl } from '../data/chat/jsonl';
import { pairEvalBatches, tokenizePair } from '../data/chat/pairs';
import { sftExamples, type TaskFamily } from '../tasks';
import { tokenizerFromJSON, type Tokenizer } from '../tokenizer';

/** A seed per sample that differs even for back-to-back samples within one millisecond. */
let samples = 0;
const freshSeed = () => (Date.now() + samples++) >>> 0;

/** The SFT model's reply to `prompt` as a user turn; generation stops at <|end|>. */
export function sftReply(run: SftRun, prompt: string, opts: SampleOptions): Promise<string> {
  return run.reply([{ role: 'user', content: prompt }], { temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: freshSeed() });
}

/** The reward model's score of `answer` to `prompt`. */
export async function rewardScore(run: RewardRun, prompt: string, answer: string): Promise<number> {
  const conv = [{ role: 'user' as const, content: prompt }, { role: 'assistant' as const, content: answer }];
  const pair = tokenizePair(run.template, { chosen: conv, rejected: conv });
  const { chosen } = await run.trainer.score(pairEvalBatches([pair], { P: run.trainer.P, T: run.trainer.T, padId: run.template.end }));
  return chosen[0];
}

/** The RL policy's reply to `prompt` as a user turn. */
export async function rlReply(run: RlRun, prompt: string, opts: SampleOptions): Promise<string> {
  const ids = run.format.prompt(prompt);
  const room = run.config.contextLength - ids.length;
  if (room < 1) throw new Error('The prompt is longer than the model\'s context.');
  const sampler = new KvSampler(run.policy, run.config.contextLength, 1);
  try {
    const [out] = await sampleResponses(sampler, run.format, [ids], { maxNewTokens: Math.min(opts.maxTokens, room), temperature: opts.temperature, seed: freshSeed() });
    return run.format.decode(out);
  } finally {
    sampler.destroy();
  }
}

/** Example `index` of the dataset (JSONL, or the built-in `families`), tokenized with (a copy of) `base` plus the chat tokens. */
export function previewChat(base: Tokenizer, data: PostData, families: readonly TaskFamily[], index: number, seed: number): { tokens: PreviewTokenInfo[]; examples: number } {
  const tpl = chatTemplate(tokenizerFromJSON(base.toJSON() as never));
  const examples = data.source === 'jsonl' ? parseSftJsonl(data.jsonl).records : sftExamples(families, 20, seed);
  const ex = examples[Math.min(Math.max(0, index), examples.length - 1)];
  if (!ex) return { tokens: [], examples: 0 };
  return { tokens: previewExample(tpl, ex.messages).map(({ text, special, loss }) => ({ text, special, loss })), examples: examples.length };
}

/** The tokenizer a checkpoint was trained with. */
export const checkpointTokenizer = (bytes: Uint8Array): Tokenizer => tokenizerFromJSON(readCheckpoint(bytes).tokenizer as never);
