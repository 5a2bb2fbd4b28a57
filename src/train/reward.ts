// Reward-model training: a ScalarHead on the final hidden state, read at the last token of each
// conversation (the <|end|> after the reply), learns from preference pairs with the Bradley–Terry
// loss. The body starts from an SFT checkpoint (or any chat-ready model; a base model gets the chat
// tokens first). Checkpoints are stage 'reward' and carry the head as two extra tensors,
// reward_head.weight (1, C) and reward_head.bias (1), with their AdamW moments; readRewardCheckpoint
// tells the codec about them. This module ties one run together for the runner and the worker.
import type { Gpu } from '../gpu/gpu';
import { Gpt } from '../model/gpt';
import { makeConfig, type ModelConfig } from '../model/config';
import { expectedShapes, paramSpecs } from '../model/params';
import { RewardTrainer, HEAD_BIAS, HEAD_WEIGHT, type RewardStepResult } from './reward-trainer';
import { rewardMetrics, type RewardMetrics } from './reward-metrics';
import { learningRate } from './schedule';
import { makeSettings, type TrainSettings } from './settings';
import { readCheckpoint } from './pretrain';
import { withChatTokens } from './sft-vocab';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint/codec';
import { decodeSafetensors } from '../checkpoint/safetensors';
import { PairBatcher, countLongPairs, pairEvalBatches, tokenizePair, type TokenizedPair } from '../data/chat/pairs';
import type { ChatTemplate } from '../data/chat/template';
import type { PreferencePair } from '../data/chat/types';
import { splitHeldOut } from '../data/chat/split';
import { Rng } from '../util/rng';

export const REWARD_STAGE = 'reward';

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

/** The parameters a reward checkpoint holds: the model's, plus the head. */
export function rewardShapes(config: ModelConfig): Record<string, number[]> {
  return { ...expectedShapes(config), [HEAD_WEIGHT]: [1, config.dModel], [HEAD_BIAS]: [1] };
}

export function readRewardCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  return decodeCheckpoint<ModelConfig>(bytes, { parseConfig: (raw) => makeConfig(raw as Record<string, unknown>), expectedShapes: rewardShapes });
}

/** Any TabGPT checkpoint: a reward one with its head tensors, the others as the model alone. */
export function readAnyCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  const stage = decodeSafetensors(bytes).metadata['tabgpt.stage'];
  return stage === REWARD_STAGE ? readRewardCheckpoint(bytes) : readCheckpoint(bytes);
}

interface SavedData { version: 1; kind: 'reward'; batcher: unknown }

export class RewardRun {
  readonly stage = REWARD_STAGE;
  step = 0;
  skipped = 0;
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
    const settings = makeSettings(REWARD_DEFAULTS, resume ? (ck.schedule ?? {}) as Partial<TrainSettings> : {}, opts.settings ?? {});
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
      if (ck.optimizer) run.trainer.opt.loadMoments(Object.fromEntries(Object.keys(ck.optimizer.m).map((k) => [k, { m: ck.optimizer!.m[k], v: ck.optimizer!.v[k] }])), ck.optimizer.step);
    }
    return run;
  }

  get config(): ModelConfig { return this.model.config; }
  get heldoutCount(): number { return this.heldout.length; }

  async run(opts: { steps?: number; onProgress?: (p: RewardProgress) => void; signal?: AbortSignal } = {}): Promise<void> {
    const s = this.settings;
    const end = Math.min(s.steps, opts.steps !== undefined ? this.step + opts.steps : s.steps);
    const schedule = { maxLr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, totalSteps: s.steps };
    const t0 = performance.now(), startStep = this.step;
    let last: RewardStepResult | undefined;
    const report = (results: RewardStepResult[], force = false) => {
      for (const r of results) if (r.skipped) this.skipped++;
      last = results[results.length - 1] ?? last;
      if (!last || !opts.onProgress || (results.length === 0 && !force)) return;
      const elapsed = (performance.now() - t0) / 1000, done = last.step - startStep;
      opts.onProgress({ step: last.step, totalSteps: s.steps, loss: last.loss, accuracy: last.accuracy, margin: last.margin, gradNorm: last.gradNorm, lr: last.lr,
        epochs: this.batcher.epochs, etaSec: done > 0 ? ((end - last.step) * elapsed) / done : NaN, skipped: this.skipped, heldout: this.lastMetrics });
    };
    while (this.step < end && !opts.signal?.aborted) {
      const batches = Array.from({ length: this.trainer.accumSteps }, () => this.batcher.next());
      const results = await this.trainer.step(batches, learningRate(schedule, this.step));
      this.step++;
      if ((s.evalEvery > 0 && this.step % s.evalEvery === 0) || this.step === end) {
        results.push(...await this.trainer.flush());
        if (s.evalEvery > 0 && this.heldout.length > 0) await this.evaluate();
        report(results, true); // once, with the new held-out numbers
      } else report(results);
    }
    report(await this.trainer.flush());
    await this.gpu.sync();
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
    const weights = await this.model.readWeights();
    const head = await this.trainer.readHead();
    const C = this.config.dModel;
    const params: Checkpoint['params'] = Object.fromEntries(paramSpecs(this.config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
    params[HEAD_WEIGHT] = { data: head.weight, shape: [1, C] };
    params[HEAD_BIAS] = { data: head.bias, shape: [1] };
    let optimizer: Checkpoint['optimizer'];
    if (withOptimizer) {
      const mom = await this.trainer.opt.readMoments();
      optimizer = { step: this.trainer.opt.step, m: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.m])), v: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.v])) };
    }
    const data: SavedData = { version: 1, kind: 'reward', batcher: this.batcher.state() };
    return encodeCheckpoint({ config: this.config, tokenizer: this.template.tokenizer.toJSON(), stage: this.stage, step: this.step, params, optimizer, data, schedule: this.settings });
  }

  destroy(): void {
    this.trainer.destroy();
    this.model.destroy();
  }
}
