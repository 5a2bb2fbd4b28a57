// Reward-model training: a ScalarHead on the final hidden state, read at the last token of each
// conversation (the <|end|> after the reply), learns from preference pairs with the Bradley–Terry
// loss. The body starts from an SFT checkpoint (or any chat-ready model; a base model gets the chat
// tokens first). Checkpoints are stage 'reward' and carry the head as two extra tensors,
// reward_head.weight (1, C) and reward_head.bias (1), with their AdamW moments; readRewardCheckpoint
// (checkpoint-io.ts) tells the codec about them. This module is the stage as a StageRun, which the one
// loop (runtime/loop.ts) drives for the runner and the worker. It does not loop or read files.
import type { Gpu } from '../gpu/gpu';
import { Gpt } from '../model/gpt';
import type { ModelConfig } from '../model/config';
import { RewardTrainer, type RewardStepResult } from './reward-trainer';
import { rewardMetrics, type RewardMetrics } from './reward-metrics';
import { learningRate } from './schedule';
import { makeSettings, resumeSettings, scheduleOf, type TrainSettings } from './settings';
import { HEAD_BIAS, HEAD_WEIGHT, modelParams, readAnyCheckpoint, STAGES } from './checkpoint-io';
import { loadMoments, saveMoments } from './moments';
import { withChatTokens } from './chat-vocab';
import { encodeCheckpoint, type Checkpoint } from '../checkpoint/codec';
import type { StageRun } from './runtime/stage-run';
import { runStage } from './runtime/loop';
import { PairBatcher, countLongPairs, pairEvalBatches, tokenizePair, type TokenizedPair } from '../data/chat/pairs';
import type { ChatTemplate } from '../data/chat/template';
import type { PreferencePair } from '../data/chat/types';
import { splitHeldOut } from '../data/chat/split';
import { Rng } from '../util/rng';

export const REWARD_STAGE = STAGES.reward;
export { readAnyCheckpoint, readRewardCheckpoint, rewardShapes } from './checkpoint-io';

/** batchSize counts PAIRS per micro-batch (each pair is two rows). */
export const REWARD_DEFAULTS: Partial<TrainSettings> = { steps: 200, batchSize: 8, lr: 1e-3, minLr: 1e-4, warmupSteps: 10, evalEvery: 50, valFraction: 0.1 };

export interface RewardProgress {
  step: number;
  totalSteps: number;
  loss: number;
  accuracy: number;
  margin: number;
  gradNorm: number;
  lr: number;
  epochs: number;
  etaSec: number;
  skipped: number;
  heldout?: RewardMetrics;
}

export interface RewardData {
  train: readonly PreferencePair[];
  /** Held-out pairs; default: the last valFraction of a seeded shuffle of train. */
  heldout?: readonly PreferencePair[];
}

interface SavedData { version: 1; kind: 'reward'; batcher: unknown }

export class RewardRun implements StageRun<RewardStepResult, RewardMetrics> {
  readonly stage = REWARD_STAGE;
  step = 0;
  /** What resuming changed about the schedule, in words (resumeSettings); undefined if nothing. */
  resumeNotice: string | undefined;
  lastMetrics: RewardMetrics | undefined;
  /** Pairs with a side longer than T (their start was cut). */
  readonly tooLong: number;
  readonly trainer: RewardTrainer;
  private readonly batcher: PairBatcher;
  private readonly heldout: TokenizedPair[];

  private constructor(readonly gpu: Gpu, readonly model: Gpt, readonly template: ChatTemplate, readonly settings: TrainSettings, data: RewardData,
    head: { weight: Float32Array; bias: number }, savedBatcher?: unknown) {
    const T = settings.seqLen ?? model.config.contextLength;
    if (T > model.config.contextLength) throw new Error(`Sequence length ${T} exceeds the model's context length ${model.config.contextLength}.`);
    const split = data.heldout ? { train: data.train, heldout: data.heldout } : splitHeldOut(data.train, settings.valFraction, settings.seed);
    const train = split.train.map((p) => tokenizePair(template, p));
    this.heldout = split.heldout.map((p) => tokenizePair(template, p));
    this.tooLong = countLongPairs(train, T);
    const P = settings.batchSize;
    const saved = savedBatcher as { P?: number; T?: number } | undefined;
    this.batcher = saved?.P === P && saved.T === T ? PairBatcher.restore(train, savedBatcher, template.end) : new PairBatcher(train, { P, T, padId: template.end }, settings.seed);
    this.trainer = new RewardTrainer(gpu, model, P, T, settings.accumSteps,
      { beta1: settings.beta1, beta2: settings.beta2, eps: 1e-8, weightDecay: settings.weightDecay, gradClip: settings.gradClip }, head, settings.readEvery);
  }

  /**
   * A run from a checkpoint: a reward checkpoint resumes (head, weights, moments, step, data order)
   * unless `fresh`; any other (SFT, or a base model, which gets the chat tokens) starts a new head,
   * N(0, 0.02) weights and zero bias, at step 0 with fresh optimizer state.
   */
  static fromCheckpoint(gpu: Gpu, bytes: Uint8Array, data: RewardData, opts: { settings?: Partial<TrainSettings>; fresh?: boolean } = {}): RewardRun {
    const ck = readAnyCheckpoint(bytes);
    const isReward = ck.stage === REWARD_STAGE;
    const resume = isReward && !opts.fresh;
    const { settings, notice } = resume ? resumeSettings(REWARD_DEFAULTS, (ck.schedule ?? {}) as Partial<TrainSettings>, opts.settings ?? {})
      : { settings: makeSettings(REWARD_DEFAULTS, opts.settings ?? {}), notice: undefined };
    const chat = withChatTokens(ck, settings.seed);
    const C = chat.config.dModel;
    const head = isReward
      ? { weight: Float32Array.from(ck.params[HEAD_WEIGHT].data), bias: ck.params[HEAD_BIAS].data[0] }
      : { weight: new Rng(settings.seed ^ 0x5eed).normals(C, 0.02), bias: 0 };
    const body = Object.fromEntries(Object.entries(chat.weights).filter(([k]) => k !== HEAD_WEIGHT && k !== HEAD_BIAS));
    const model = new Gpt(gpu, chat.config, body);
    const saved = ck.data as Partial<SavedData> | undefined;
    const run = new RewardRun(gpu, model, chat.template, settings, data, head, resume && saved?.kind === 'reward' ? saved.batcher : undefined);
    if (resume) {
      run.step = ck.step;
      run.resumeNotice = notice;
      loadMoments(run.trainer.opt, ck.optimizer);
    }
    return run;
  }

  get config(): ModelConfig { return this.model.config; }
  get heldoutCount(): number { return this.heldout.length; }

  get totalSteps(): number { return this.settings.steps; }
  get evalEvery(): number { return this.settings.evalEvery; }
  get epochs(): number { return this.batcher.epochs; }
  /** Two rows (chosen, rejected) of T tokens per pair. */
  tokensOf(): number { return 2 * this.trainer.P * this.trainer.T * this.trainer.accumSteps; }

  async trainStep(): Promise<RewardStepResult[]> {
    const batches = Array.from({ length: this.trainer.accumSteps }, () => this.batcher.next());
    const results = await this.trainer.step(batches, learningRate(scheduleOf(this.settings), this.step));
    this.step++;
    return results;
  }

  flush(): Promise<RewardStepResult[]> { return this.trainer.flush(); }
  sync(): Promise<void> { return this.gpu.sync(); }

  async evaluateHeldout(): Promise<RewardMetrics | undefined> {
    return this.heldout.length > 0 ? this.evaluate() : undefined;
  }

  /** Trains to settings.steps (or `steps` more) in the one loop; held-out metrics every evalEvery steps and at the end. */
  async run(opts: { steps?: number; onProgress?: (p: RewardProgress) => void } = {}): Promise<void> {
    const on = opts.onProgress;
    await runStage(this, { steps: opts.steps, onStep: on && ((r, p) => on({ step: r.step, totalSteps: p.totalSteps, loss: r.loss, accuracy: r.accuracy, margin: r.margin,
      gradNorm: r.gradNorm, lr: r.lr, epochs: this.batcher.epochs, etaSec: p.etaSec, skipped: p.skipped, heldout: this.lastMetrics })) });
  }

  /** Pairwise accuracy, margin, loss and reward distributions on held-out pairs (or `pairs`). */
  async evaluate(pairs?: readonly PreferencePair[]): Promise<RewardMetrics> {
    const tokenized = pairs ? pairs.map((p) => tokenizePair(this.template, p)) : this.heldout;
    const { chosen, rejected } = await this.trainer.score(pairEvalBatches(tokenized, { P: this.trainer.P, T: this.trainer.T, padId: this.template.end }));
    const metrics = rewardMetrics(chosen, rejected);
    if (!pairs) this.lastMetrics = metrics;
    return metrics;
  }

  /** Stage 'reward': the model, the head as reward_head.weight / reward_head.bias, moments, data order. */
  async checkpoint(withOptimizer = true): Promise<Uint8Array> {
    await this.trainer.flush();
    const head = await this.trainer.readHead();
    const params: Checkpoint['params'] = await modelParams(this.model);
    params[HEAD_WEIGHT] = { data: head.weight, shape: [1, this.config.dModel] };
    params[HEAD_BIAS] = { data: head.bias, shape: [1] };
    const optimizer = withOptimizer ? await saveMoments(this.trainer.opt) : undefined;
    const data: SavedData = { version: 1, kind: 'reward', batcher: this.batcher.state() };
    return encodeCheckpoint({ config: this.config, tokenizer: this.template.tokenizer.toJSON(), stage: this.stage, step: this.step, params, optimizer, data, schedule: this.settings });
  }

  destroy(): void {
    this.trainer.destroy();
    this.model.destroy();
  }
}
