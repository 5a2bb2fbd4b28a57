// The post-training half of the engine (TrainingEngine delegates here): builds SFT and reward runs
// from a base model's checkpoint bytes and the user's dataset, runs them in chunks that end at each
// evaluation (so pause, samples and saves happen between chunks), samples in the chat template,
// previews a dataset's trained tokens and scores answers with the reward model.
import type { Gpu } from '../gpu/gpu';
import type { EngineProgress, PostData, PreviewTokenInfo, SampleOptions, StageOptions } from '../worker/engine-bridge';
import type { TrainSettings as UiTrain } from '../share/settings';
import type { TrainSettings } from './settings';
import { SftRun } from './sft';
import { RewardRun } from './reward';
import { readCheckpoint } from './pretrain';
import { parsePairsJsonl, parseSftJsonl } from '../data/chat/jsonl';
import { chatTemplate } from '../data/chat/template';
import { previewExample } from '../data/chat/preview';
import { pairEvalBatches, tokenizePair } from '../data/chat/pairs';
import type { ChatExample } from '../data/chat/types';
import { evalItems, preferencePairs, sftExamples, taskFamilies } from '../tasks';
import { tokenizerFromJSON, type Tokenizer } from '../tokenizer';

/** Built-in training data drawn per run: plenty for the few hundred steps a tab trains. */
const BUILTIN_EXAMPLES = 2000;
const BUILTIN_PAIRS = 1000;
/** Losses are read back every this many steps (each read-back stalls the queue). */
const READ_EVERY = 5;

type Report = (p: EngineProgress) => void;

export const postSettings = (t: UiTrain): Partial<TrainSettings> => ({
  steps: t.steps, batchSize: t.batch, lr: t.lr, minLr: t.lr / 10, warmupSteps: Math.min(t.warmup, t.steps), weightDecay: t.weightDecay,
  gradClip: t.gradClip, seed: t.seed, evalEvery: t.evalEvery, readEvery: READ_EVERY,
});

function sftData(p: PostData, seed: number): ChatExample[] {
  const train = p.source === 'jsonl' ? parseSftJsonl(p.jsonl).records : sftExamples(taskFamilies('all'), BUILTIN_EXAMPLES, seed);
  if (train.length === 0) throw new Error('The SFT dataset has no usable examples.');
  return train;
}

/** Runs `run` to its last step in chunks ending at each evaluation, calling `between` after each. */
async function inChunks(run: { step: number; settings: TrainSettings }, go: (steps: number) => Promise<void>, between: () => Promise<void>, signal: AbortSignal): Promise<void> {
  const { steps, evalEvery } = run.settings;
  const every = evalEvery > 0 ? evalEvery : steps;
  while (run.step < steps && !signal.aborted) {
    await go(Math.min(steps, (Math.floor(run.step / every) + 1) * every) - run.step);
    await between();
  }
}

export class PostStages {
  sft: SftRun | null = null;
  reward: RewardRun | null = null;
  /** Makes back-to-back samples differ even within one millisecond. */
  private samples = 0;

  constructor(private readonly gpu: Gpu) {}

  async runSft(base: Uint8Array, opts: StageOptions, report: Report, between: () => Promise<void>, signal: AbortSignal): Promise<void> {
    const p = opts.post ?? { source: 'builtin', jsonl: '', evalCount: 0 };
    const seed = opts.train.seed;
    const items = p.evalCount > 0 ? evalItems(taskFamilies('all'), p.evalCount, seed + 1) : [];
    const run = SftRun.fromCheckpoint(this.gpu, base, { train: sftData(p, seed), evalItems: items }, { fresh: true, settings: postSettings(opts.train) });
    this.destroy();
    this.sft = run;
    let sentVal: number | undefined, sentExact: number | undefined;
    await inChunks(run, (steps) => run.run({ steps, signal, onProgress: (q) => {
      const valLoss = q.valLoss !== sentVal ? q.valLoss : undefined;
      const exact = q.exactMatch !== sentExact ? q.exactMatch : undefined;
      sentVal = q.valLoss; sentExact = q.exactMatch;
      report({ step: q.step, totalSteps: q.totalSteps, trainLoss: q.loss, valLoss, lr: q.lr, tokensPerSec: q.tokensPerSec, metrics: exact !== undefined ? { exactMatch: exact } : undefined });
    } }), between, signal);
  }

  async runReward(base: Uint8Array, opts: StageOptions, report: Report, between: () => Promise<void>, signal: AbortSignal): Promise<void> {
    const p = opts.post ?? { source: 'builtin', jsonl: '', evalCount: 64 };
    const seed = opts.train.seed;
    const families = taskFamilies('all');
    const data = p.source === 'jsonl'
      ? { train: parsePairsJsonl(p.jsonl).records }
      : { train: preferencePairs(families, { split: 'train', count: BUILTIN_PAIRS, seed }), heldout: preferencePairs(families, { split: 'heldout', count: Math.max(1, p.evalCount), seed: seed + 1 }) };
    if (p.captured) data.train = [...data.train, ...parsePairsJsonl(p.captured).records];
    if (data.train.length === 0) throw new Error('The preference dataset has no usable pairs.');
    const run = RewardRun.fromCheckpoint(this.gpu, base, data, { fresh: true, settings: postSettings(opts.train) });
    this.reward?.destroy();
    this.reward = run;
    let sent: unknown;
    const t0 = performance.now();
    const tokensPerStep = 2 * run.trainer.P * run.trainer.T * run.trainer.accumSteps; // two rows per pair
    await inChunks(run, (steps) => run.run({ steps, signal, onProgress: (q) => {
      const h = q.heldout !== sent ? q.heldout : undefined;
      sent = q.heldout;
      report({ step: q.step, totalSteps: q.totalSteps, trainLoss: q.loss, valLoss: h?.loss, lr: q.lr, tokensPerSec: (q.step * tokensPerStep) / Math.max((performance.now() - t0) / 1000, 1e-9),
        metrics: { accuracy: q.accuracy, margin: q.margin, ...(h ? { heldoutAccuracy: h.accuracy, heldoutMargin: h.meanMargin } : {}) } });
    } }), between, signal);
  }

  /** The SFT model's reply to `prompt` as a user turn; generation stops at <|end|>. */
  async chatSample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string> {
    if (!this.sft) throw new Error('There is no SFT model yet: run SFT first.');
    const text = await this.sft.reply([{ role: 'user', content: prompt }], { temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: (Date.now() + this.samples++) >>> 0 });
    onToken(text);
    return text;
  }

  async score(prompt: string, answer: string): Promise<number> {
    const run = this.reward;
    if (!run) throw new Error('There is no reward model yet: train one first.');
    const conv = [{ role: 'user' as const, content: prompt }, { role: 'assistant' as const, content: answer }];
    const pair = tokenizePair(run.template, { chosen: conv, rejected: conv });
    const { chosen } = await run.trainer.score(pairEvalBatches([pair], { P: run.trainer.P, T: run.trainer.T, padId: run.template.end }));
    return chosen[0];
  }

  destroy(): void {
    this.sft?.destroy();
    this.reward?.destroy();
    this.sft = this.reward = null;
  }
}

/** Example `index` of the dataset, tokenized with (a copy of) `base` plus the chat tokens. */
export function previewChat(base: Tokenizer, data: PostData, index: number, seed: number): { tokens: PreviewTokenInfo[]; examples: number } {
  const tpl = chatTemplate(tokenizerFromJSON(base.toJSON() as never));
  const examples = data.source === 'jsonl' ? parseSftJsonl(data.jsonl).records : sftExamples(taskFamilies('all'), 20, seed);
  const ex = examples[Math.min(Math.max(0, index), examples.length - 1)];
  if (!ex) return { tokens: [], examples: 0 };
  return { tokens: previewExample(tpl, ex.messages).map(({ text, special, loss }) => ({ text, special, loss })), examples: examples.length };
}

/** The tokenizer a checkpoint was trained with. */
export const checkpointTokenizer = (bytes: Uint8Array): Tokenizer => tokenizerFromJSON(readCheckpoint(bytes).tokenizer as never);
