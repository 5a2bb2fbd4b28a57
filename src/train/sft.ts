// Supervised fine-tuning: a pretrained model learns to answer in the chat template. The objective
// is LmTrainer's masked next-token loss with targets −1 on every token that is not assistant
// content or its closing <|end|>. This module ties one run together — the model grown to hold the
// chat tokens, packed batches, held-out loss, exact match on a held-out built-in task, checkpoints
// (stage 'sft') and resume — as a StageRun the one loop (runtime/loop.ts) drives.
// It does not loop, parse files (src/data/chat/jsonl.ts) or make task data (src/tasks).
import type { Gpu } from '../gpu/gpu';
import { Gpt } from '../model/gpt';
import type { ModelConfig } from '../model/config';
import { KvSampler } from '../model/sampler';
import type { SamplingParams } from '../model/sample-cpu';
import { LmTrainer, type StepResult } from './lm-trainer';
import { learningRate } from './schedule';
import { makeSettings, resumeSettings, scheduleOf, type TrainSettings } from './settings';
import { modelParams, readCheckpoint, STAGES } from './checkpoint-io';
import { loadMoments, saveMoments } from './moments';
import { withChatTokens } from './chat-vocab';
import { exactMatch, type ExactMatchResult } from './sft-eval';
import { encodeCheckpoint } from '../checkpoint/codec';
import type { StageRun } from './runtime/stage-run';
import { runStage, type LoopProgress } from './runtime/loop';
import { decodeReply, renderForTraining, renderPrompt, type ChatTemplate } from '../data/chat/template';
import { SftBatcher, countTooLong, sftEvalBatches, tokenized, type SftBatchOptions, type TokenizedExample } from '../data/chat/batcher';
import type { ChatExample, ChatMessage } from '../data/chat/types';
import { splitHeldOut } from '../data/chat/split';
import type { EvalItem } from '../tasks';
import type { Tokenizer } from '../tokenizer';

export const SFT_STAGE = STAGES.sft;

/** SFT's defaults where they differ from pretraining: a gentler rate, more frequent evaluation. */
export const SFT_DEFAULTS: Partial<TrainSettings> = { steps: 200, lr: 1e-3, minLr: 1e-4, warmupSteps: 10, evalEvery: 50, valFraction: 0.1 };

export interface SftOptions {
  /** Several examples per row (default) or one example per row. */
  packing: boolean;
  /** Longest generated reply in exact-match evaluation. */
  maxReplyTokens: number;
}

export interface SftProgress extends LoopProgress {
  loss: number;
  gradNorm: number;
  lr: number;
  valLoss?: number;
  epochs: number;
  exactMatch?: number;
}

/** Held-out numbers of an SFT run: the loss on held-out conversations, exact match on task questions. */
export interface SftEval { valLoss?: number; exactMatch?: ExactMatchResult }

export interface SftData {
  train: readonly ChatExample[];
  /** Held-out conversations for the loss; default: the last valFraction of a seeded shuffle of train. */
  heldout?: readonly ChatExample[];
  /** Held-out questions graded by exact match (a built-in task). */
  evalItems?: readonly EvalItem[];
}

interface SavedData { version: 1; kind: 'sft'; batcher: unknown; options: SftOptions }

export class SftRun implements StageRun<StepResult, SftEval> {
  readonly stage = SFT_STAGE;
  step = 0;
  /** What resuming changed about the schedule, in words (resumeSettings); undefined if nothing. */
  resumeNotice: string | undefined;
  lastValLoss: number | undefined;
  lastExactMatch: ExactMatchResult | undefined;
  /** Training examples longer than a row, cut to fit. */
  readonly tooLong: number;
  private readonly trainer: LmTrainer;
  private readonly batcher: SftBatcher;
  private readonly heldout: TokenizedExample[];
  private readonly evalSet: readonly EvalItem[];
  private sampler: KvSampler | null = null;

  private constructor(readonly gpu: Gpu, readonly model: Gpt, readonly template: ChatTemplate, readonly settings: TrainSettings,
    readonly options: SftOptions, data: SftData, savedBatcher?: unknown) {
    const T = settings.seqLen ?? model.config.contextLength;
    if (T > model.config.contextLength) throw new Error(`Sequence length ${T} exceeds the model's context length ${model.config.contextLength}.`);
    const split = data.heldout ? { train: data.train, heldout: data.heldout } : splitHeldOut(data.train, settings.valFraction, settings.seed);
    const render = (ex: ChatExample) => tokenized(renderForTraining(template, ex.messages));
    const train = split.train.map(render);
    this.heldout = split.heldout.map(render);
    this.evalSet = data.evalItems ?? [];
    this.tooLong = countTooLong(train, T);
    const batch: SftBatchOptions = { B: settings.batchSize, T, packing: options.packing, padId: template.end };
    // The saved data order continues only with the same row shape; otherwise a new order starts.
    const saved = savedBatcher as { B?: number; T?: number; packing?: boolean } | undefined;
    const same = saved !== undefined && saved.B === batch.B && saved.T === batch.T && saved.packing === batch.packing;
    this.batcher = same ? SftBatcher.restore(train, savedBatcher, template.end) : new SftBatcher(train, batch, settings.seed);
    this.trainer = new LmTrainer(gpu, model, settings.batchSize, T, settings.accumSteps,
      { beta1: settings.beta1, beta2: settings.beta2, eps: 1e-8, weightDecay: settings.weightDecay, gradClip: settings.gradClip }, settings.readEvery);
  }

  /**
   * A run from a checkpoint. A base model (any other stage) gets the chat tokens and starts at step
   * 0 with fresh optimizer state; an SFT checkpoint resumes (weights, moments, step, data order)
   * unless `fresh` is set. Settings given here override the saved ones.
   */
  static fromCheckpoint(gpu: Gpu, bytes: Uint8Array, data: SftData, opts: { settings?: Partial<TrainSettings>; options?: Partial<SftOptions>; fresh?: boolean } = {}): SftRun {
    const ck = readCheckpoint(bytes);
    const saved = ck.data as Partial<SavedData> | undefined;
    const resume = !opts.fresh && ck.stage === SFT_STAGE && saved?.kind === 'sft';
    const { settings, notice } = resume ? resumeSettings(SFT_DEFAULTS, (ck.schedule ?? {}) as Partial<TrainSettings>, opts.settings ?? {})
      : { settings: makeSettings(SFT_DEFAULTS, opts.settings ?? {}), notice: undefined };
    const options: SftOptions = { packing: true, maxReplyTokens: 24, ...(resume ? saved!.options : {}), ...opts.options };
    const chat = withChatTokens(ck, settings.seed);
    const model = new Gpt(gpu, chat.config, chat.weights);
    const run = new SftRun(gpu, model, chat.template, settings, options, data, resume ? saved!.batcher : undefined);
    if (resume) {
      run.step = ck.step;
      run.resumeNotice = notice;
      loadMoments(run.trainer.opt, ck.optimizer);
    }
    return run;
  }

  get config(): ModelConfig { return this.model.config; }
  get tokenizer(): Tokenizer { return this.template.tokenizer; }
  get heldoutCount(): number { return this.heldout.length; }
  get evalCount(): number { return this.evalSet.length; }

  get totalSteps(): number { return this.settings.steps; }
  get evalEvery(): number { return this.settings.evalEvery; }
  get epochs(): number { return this.batcher.epochs; }
  tokensOf(): number { return this.trainer.B * this.trainer.T * this.trainer.accumSteps; }

  async trainStep(): Promise<StepResult[]> {
    const batches = Array.from({ length: this.trainer.accumSteps }, () => this.batcher.next());
    const results = await this.trainer.step(batches, learningRate(scheduleOf(this.settings), this.step));
    this.step++;
    return results;
  }

  flush(): Promise<StepResult[]> { return this.trainer.flush(); }
  sync(): Promise<void> { return this.gpu.sync(); }

  /** Held-out loss, and exact match when the run has task questions. */
  async evaluateHeldout(signal?: AbortSignal): Promise<SftEval> {
    const valLoss = await this.evaluate();
    const exact = this.evalSet.length ? await this.exactMatch({ signal }) : undefined;
    return { valLoss, exactMatch: exact };
  }

  /** Trains to settings.steps (or `steps` more) in the one loop; evaluates every evalEvery steps and at the end. */
  async run(opts: { steps?: number; onProgress?: (p: SftProgress) => void } = {}): Promise<void> {
    const on = opts.onProgress;
    await runStage(this, { steps: opts.steps, onStep: on && ((r, p) => on({ ...p, loss: r.loss, gradNorm: r.gradNorm, lr: r.lr,
      valLoss: this.lastValLoss, exactMatch: this.lastExactMatch?.accuracy, epochs: this.batcher.epochs })) });
  }

  /** Mean loss over the held-out conversations' trained tokens. */
  async evaluate(): Promise<number | undefined> {
    if (this.heldout.length === 0) return undefined;
    const { B, T } = this.trainer;
    const batches = sftEvalBatches(this.heldout, { B, T, packing: this.options.packing, padId: this.template.end }, this.settings.evalBatches);
    this.lastValLoss = await this.trainer.evaluate(batches);
    return this.lastValLoss;
  }

  /** Greedy exact match on the held-out task questions. */
  async exactMatch(opts: { items?: readonly EvalItem[]; signal?: AbortSignal } = {}): Promise<ExactMatchResult> {
    await this.trainer.flush();
    this.sampler ??= new KvSampler(this.model);
    const result = await exactMatch(this.sampler, this.template, opts.items ?? this.evalSet, { maxTokens: this.options.maxReplyTokens, signal: opts.signal });
    if (!opts.items) this.lastExactMatch = result;
    return result;
  }

  /** The assistant's reply to a conversation (sampled; temperature 0 is greedy). */
  async reply(messages: readonly ChatMessage[], params: Partial<SamplingParams> & { maxTokens?: number; seed?: number } = {}): Promise<string> {
    await this.trainer.flush();
    this.sampler ??= new KvSampler(this.model);
    const end = this.template.end;
    const ids = await this.sampler.generate(renderPrompt(this.template, messages), {
      temperature: params.temperature ?? 0, topK: params.topK ?? 0, topP: params.topP ?? 1,
      maxTokens: params.maxTokens ?? this.options.maxReplyTokens, seed: params.seed ?? 1, shouldStop: (out) => out[out.length - 1] === end,
    });
    return decodeReply(this.template, ids);
  }

  /** Weights, AdamW moments, step, data order and settings, as stage 'sft'. */
  async checkpoint(withOptimizer = true): Promise<Uint8Array> {
    await this.trainer.flush();
    const params = await modelParams(this.model);
    const optimizer = withOptimizer ? await saveMoments(this.trainer.opt) : undefined;
    const data: SavedData = { version: 1, kind: 'sft', batcher: this.batcher.state(), options: this.options };
    return encodeCheckpoint({ config: this.config, tokenizer: this.tokenizer.toJSON(), stage: this.stage, step: this.step, params, optimizer, data, schedule: this.settings });
  }

  destroy(): void {
    this.sampler?.destroy();
    this.trainer.destroy();
    this.model.destroy();
  }
}
