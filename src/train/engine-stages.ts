// How the app's settings become runs of each stage (the engine then drives them in the one loop):
// the UI's training settings in the engine's terms, the built-in or user datasets (the built-in
// tasks are those of the chosen corpus: the classical tasks after pretraining on the Analects), and each
// stage's step and evaluation results as EngineProgress reports for the page.
// It does not loop, pause, save or sample (engine.ts and runtime/ do).
import type { Gpu } from '../gpu/gpu';
import { type DataSettings, type TrainSettings as UiTrain, taskCorpus } from '../share/settings';
import type { TrainSettings } from './settings';
import type { EngineProgress, PostData, RlOptions, RolloutRow, StageOptions } from './engine-types';
import type { LoopProgress } from './runtime/loop';
import type { StepResult } from './runtime/stage-run';
import { SftRun, type SftEval } from './sft';
import { RewardRun } from './reward';
import type { RewardMetrics } from './reward-metrics';
import type { RewardStepResult } from './reward-trainer';
import { RlRun, type RlStepResult } from './rl/run';
import type { PretrainEval } from './pretrain';
import { parsePairsJsonl, parseSftJsonl } from '../data/chat/jsonl';
import type { ChatExample } from '../data/chat/types';
import { evalItems, loadTaskFamilies, preferencePairs, sftExamples, type TaskFamily } from '../tasks';
import { corpusInfo } from '../data/corpora';
import { builtinTask } from './rl/tasks';

/** Losses are read back from the GPU every this many steps (each read-back stalls the queue). */
export const READ_EVERY = 5;
/** Built-in training data drawn per run: plenty for the few hundred steps a tab trains. */
const BUILTIN_EXAMPLES = 2000;
const BUILTIN_PAIRS = 1000;
/** Rollouts kept per report: the newest few, enough for the table. */
const ROLLOUTS_SHOWN = 8;
/** Held-out prompts drawn to size the RL training length (the app does not evaluate RL runs). */
const EVAL_PROMPTS = 8;

/** The UI's training settings in the engine's terms (src/train/settings.ts), for every LM stage. */
export const engineSettings = (t: UiTrain): Partial<TrainSettings> => ({
  steps: t.steps, batchSize: t.batch, lr: t.lr, minLr: t.lr / 10, warmupSteps: Math.min(t.warmup, t.steps), weightDecay: t.weightDecay,
  gradClip: t.gradClip, seed: t.seed, evalEvery: t.evalEvery, readEvery: READ_EVERY,
});

/** A saved schedule in the UI's terms; fields the file lacks are left out. */
export function uiTrain(schedule: unknown): Partial<UiTrain> {
  const s = (typeof schedule === 'object' && schedule !== null ? schedule : {}) as Partial<TrainSettings>;
  const all = { lr: s.lr, steps: s.steps, batch: s.batchSize, warmup: s.warmupSteps, weightDecay: s.weightDecay, gradClip: s.gradClip, seed: s.seed, evalEvery: s.evalEvery };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => typeof v === 'number'));
}

const NONE = { trainLoss: NaN, lr: NaN, tokensPerSec: NaN };

/** The built-in task families that go with the data: the chosen corpus's task set (loaded on demand). */
export const builtinFamilies = (data: DataSettings): Promise<TaskFamily[]> => loadTaskFamilies(corpusInfo(taskCorpus(data)).task);

/** A step of an LM stage (pretrain, SFT) as the page's report. */
export function lmStepReport(r: StepResult, p: LoopProgress): EngineProgress {
  return { step: r.step, totalSteps: p.totalSteps, trainLoss: r.loss, lr: r.lr, tokensPerSec: p.tokensPerSec,
    message: p.skipped ? `${p.skipped} step(s) skipped: the gradient was not finite` : undefined };
}

export const pretrainEvalReport = (m: PretrainEval, step: number, totalSteps: number): EngineProgress => ({ step, totalSteps, ...NONE, valLoss: m.valLoss });

export async function sftFromBase(gpu: Gpu, base: Uint8Array, opts: StageOptions): Promise<SftRun> {
  const p = opts.post ?? { source: 'builtin', jsonl: '', evalCount: 0 };
  const seed = opts.train.seed;
  const families = await builtinFamilies(opts.data);
  const items = p.evalCount > 0 ? evalItems(families, p.evalCount, seed + 1) : [];
  return SftRun.fromCheckpoint(gpu, base, { train: sftData(p, families, seed), evalItems: items }, { fresh: true, settings: engineSettings(opts.train) });
}

export const sftEvalReport = (m: SftEval, step: number, totalSteps: number): EngineProgress =>
  ({ step, totalSteps, ...NONE, valLoss: m.valLoss, metrics: m.exactMatch ? { exactMatch: m.exactMatch.accuracy } : undefined });

function sftData(p: PostData, families: readonly TaskFamily[], seed: number): ChatExample[] {
  const train = p.source === 'jsonl' ? parseSftJsonl(p.jsonl).records : sftExamples(families, BUILTIN_EXAMPLES, seed);
  if (train.length === 0) throw new Error('The SFT dataset has no usable examples.');
  return train;
}

export async function rewardFromBase(gpu: Gpu, base: Uint8Array, opts: StageOptions): Promise<RewardRun> {
  const p = opts.post ?? { source: 'builtin', jsonl: '', evalCount: 64 };
  const seed = opts.train.seed;
  const families = await builtinFamilies(opts.data);
  const data = p.source === 'jsonl'
    ? { train: parsePairsJsonl(p.jsonl).records }
    : { train: preferencePairs(families, { split: 'train', count: BUILTIN_PAIRS, seed }), heldout: preferencePairs(families, { split: 'heldout', count: Math.max(1, p.evalCount), seed: seed + 1 }) };
  if (p.captured) data.train = [...data.train, ...parsePairsJsonl(p.captured).records];
  if (data.train.length === 0) throw new Error('The preference dataset has no usable pairs.');
  return RewardRun.fromCheckpoint(gpu, base, data, { fresh: true, settings: engineSettings(opts.train) });
}

export const rewardStepReport = (r: RewardStepResult, p: LoopProgress): EngineProgress =>
  ({ ...lmStepReport(r, p), metrics: { accuracy: r.accuracy, margin: r.margin } });

export const rewardEvalReport = (m: RewardMetrics, step: number, totalSteps: number): EngineProgress =>
  ({ step, totalSteps, ...NONE, valLoss: m.loss, metrics: { heldoutAccuracy: m.accuracy, heldoutMargin: m.meanMargin } });

/** An RL run as the RLHF tab set it up, on the data's built-in tasks; every scored rollout (grader
 *  or reward model) lands in `seen`. */
export async function rlFromSft(gpu: Gpu, sft: Uint8Array, rewardModel: Uint8Array | null, data: DataSettings, o: RlOptions, seen: RolloutRow[]): Promise<RlRun> {
  if (o.reward === 'model' && !rewardModel) throw new Error('There is no reward model yet: train one in the Reward tab, or use the task grader.');
  const rows = o.promptsPerStep * (o.method === 'grpo' ? o.groupSize : 1);
  const task = builtinTask(await builtinFamilies(data));
  return RlRun.fromCheckpoint(gpu, sft, {
    task,
    onScored: (samples, scores) => samples.forEach((x, i) => seen.push({ prompt: x.example.prompt, response: x.response, reward: scores[i] })),
    rewardModel: o.reward === 'model' && o.method !== 'dpo' ? rewardModel! : undefined,
    settings: {
      method: o.method, steps: o.steps, lr: o.lr, klCoef: o.klCoef, dpoBeta: o.klCoef > 0 ? o.klCoef : undefined,
      promptsPerStep: o.promptsPerStep, pairsPerStep: o.promptsPerStep, groupSize: o.groupSize, minibatch: rows,
      maxNewTokens: o.maxNewTokens, epochs: 1, evalEvery: 0, evalPrompts: EVAL_PROMPTS, seed: o.seed,
    },
  });
}

/** One RL step as the page's report; takes (and clears) the rollouts scored during it. */
export function rlStepReport(r: RlStepResult, p: LoopProgress, seen: RolloutRow[]): EngineProgress {
  // Rows were scored in rollout order, so row i's KL to the reference is klPerSample[i].
  const perSample = r.pg?.klPerSample;
  const rollouts = seen.splice(0).map((x, i) => ({ ...x, kl: perSample?.[i] })).slice(-ROLLOUTS_SHOWN);
  const base = { step: r.step, totalSteps: p.totalSteps, trainLoss: r.loss, lr: r.lr, tokensPerSec: p.tokensPerSec };
  if (r.pg) {
    const m = r.pg;
    return { ...base, rollouts, metrics: { meanReward: m.meanScore, kl: m.kl, policyLoss: m.policyLoss, valueLoss: Number.isNaN(m.valueLoss) ? undefined : m.valueLoss, clipFrac: m.clipFrac, responseLength: m.responseLength } };
  }
  const d = r.dpo!;
  return { ...base, metrics: { policyLoss: d.loss, accuracy: d.accuracy, margin: d.margin, meanReward: d.chosenReward } };
}

