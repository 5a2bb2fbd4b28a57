// Pretraining: a base model learns next-token prediction on raw text. This module is the stage —
// model, LmTrainer, data windows, held-out loss, sampling and checkpoints — as a StageRun that the
// one loop (runtime/loop.ts) drives, for the headless runner and the web worker alike.
// Resuming from a checkpoint restores weights, AdamW moments, the step, and the data order.
// It does not loop, pause or report progress itself (the loop does).
import type { Gpu } from '../gpu/gpu';
import { Gpt } from '../model/gpt';
import { makeConfig, type ModelConfig } from '../model/config';
import { initParams } from '../model/params';
import { KvSampler } from '../model/sampler';
import { LmTrainer, type StepResult as LmStepResult } from './lm-trainer';
import { learningRate } from './schedule';
import { makeSettings, resumeSettings, scheduleOf, type TrainSettings } from './settings';
import { Batcher } from '../data/batcher';
import { splitTokens } from '../data/split';
import { evalBatches } from '../data/eval-batches';
import { encodeCheckpoint } from '../checkpoint/codec';
import { checkLmMemory, lmMemoryPlan } from './lm-memory';
import { tokenizerFromJSON, StreamingDecoder, type Tokenizer } from '../tokenizer';
import type { SamplingParams } from '../model/sample-cpu';
import { modelParams, readCheckpoint, STAGES, weightsOf } from './checkpoint-io';
import { loadMoments, saveMoments } from './moments';
import type { StageRun } from './runtime/stage-run';
import { runStage } from './runtime/loop';

export { readCheckpoint } from './checkpoint-io';

export interface Progress {
  step: number;
  totalSteps: number;
  loss: number;
  gradNorm: number;
  lr: number;
  tokensPerSec: number;
  etaSec: number;
  valLoss?: number;
  skipped: number;
}

/** Held-out numbers of a pretraining run. */
export interface PretrainEval { valLoss: number }

export interface SampleRequest extends Partial<SamplingParams> { prompt: string; maxTokens?: number; seed?: number; stop?: string[] }

export class PretrainRun implements StageRun<LmStepResult, PretrainEval> {
  readonly stage: string = STAGES.pretrain;
  step = 0;
  lastValLoss: number | undefined;
  /** What resuming changed about the schedule, in words (resumeSettings); undefined if nothing. */
  resumeNotice: string | undefined;
  private readonly trainer: LmTrainer;
  private readonly batcher: Batcher;
  private readonly val: Int32Array | Uint32Array;
  private sampler: KvSampler | null = null;

  private constructor(readonly gpu: Gpu, readonly model: Gpt, readonly tokenizer: Tokenizer, readonly settings: TrainSettings, tokens: Int32Array | Uint32Array, batcherState?: unknown) {
    const T = settings.seqLen ?? model.config.contextLength;
    if (T > model.config.contextLength) throw new Error(`Sequence length ${T} exceeds the model's context length ${model.config.contextLength}.`);
    const { train, val } = splitTokens(tokens, settings.valFraction);
    this.val = val;
    this.batcher = batcherState ? Batcher.restore(train, batcherState) : new Batcher(train, { B: settings.batchSize, T, seed: settings.seed });
    this.trainer = new LmTrainer(gpu, model, settings.batchSize, T, settings.accumSteps,
      { beta1: settings.beta1, beta2: settings.beta2, eps: 1e-8, weightDecay: settings.weightDecay, gradClip: settings.gradClip }, settings.readEvery);
  }

  static create(gpu: Gpu, opts: { config: ModelConfig; tokenizer: Tokenizer; tokens: Int32Array | Uint32Array; settings?: Partial<TrainSettings> }): PretrainRun {
    const settings = makeSettings(opts.settings ?? {});
    const config = makeConfig(opts.config);
    if (config.vocabSize < opts.tokenizer.vocabSize) throw new Error(`The model's vocabulary (${config.vocabSize}) is smaller than the tokenizer's (${opts.tokenizer.vocabSize}).`);
    // Before the (possibly long) CPU initialisation: refuse shapes whose buffers the adapter cannot hold.
    checkLmMemory(gpu.limits, lmMemoryPlan(config, settings.batchSize, settings.seqLen ?? config.contextLength));
    const model = new Gpt(gpu, config, initParams(config, settings.seed));
    return new PretrainRun(gpu, model, opts.tokenizer, settings, opts.tokens);
  }

  /** Rebuilds the run from a checkpoint's own config, tokenizer, weights, moments and data order. */
  static fromCheckpoint(gpu: Gpu, bytes: Uint8Array, opts: { tokens?: Int32Array | Uint32Array; text?: string; settings?: Partial<TrainSettings> }): PretrainRun {
    const ck = readCheckpoint(bytes);
    const tokenizer = tokenizerFromJSON(ck.tokenizer as never);
    const saved = (ck.schedule ?? {}) as Partial<TrainSettings>;
    const { settings, notice } = resumeSettings({}, saved, opts.settings ?? {});
    const tokens = opts.tokens ?? (opts.text !== undefined ? Int32Array.from(tokenizer.encode(opts.text)) : null);
    if (!tokens) throw new Error('Continuing a run needs its training text.');
    const model = new Gpt(gpu, ck.config, weightsOf(ck));
    // Only a pretraining checkpoint's data-loader state describes windows of raw text.
    const sameData = ck.stage === STAGES.pretrain && ck.data !== undefined && (saved.batchSize === undefined || saved.batchSize === settings.batchSize);
    const run = new PretrainRun(gpu, model, tokenizer, settings, tokens, sameData ? ck.data : undefined);
    run.step = ck.step;
    run.resumeNotice = ck.stage === STAGES.pretrain ? notice : undefined;
    loadMoments(run.trainer.opt, ck.optimizer);
    return run;
  }

  get config(): ModelConfig { return this.model.config; }
  get tokensPerStep(): number { return this.trainer.B * this.trainer.T * this.trainer.accumSteps; }
  get totalSteps(): number { return this.settings.steps; }
  get evalEvery(): number { return this.settings.evalEvery; }
  tokensOf(): number { return this.tokensPerStep; }

  async trainStep(): Promise<LmStepResult[]> {
    const batches = Array.from({ length: this.trainer.accumSteps }, () => this.batcher.next());
    const results = await this.trainer.step(batches, learningRate(scheduleOf(this.settings), this.step));
    this.step++;
    return results;
  }

  flush(): Promise<LmStepResult[]> { return this.trainer.flush(); }
  sync(): Promise<void> { return this.gpu.sync(); }

  async evaluateHeldout(): Promise<PretrainEval | undefined> {
    return this.val.length > 1 ? { valLoss: await this.evaluate() } : undefined;
  }

  /** Trains to settings.steps (or `steps` more) in the one loop, reporting every step's result. */
  async run(opts: { steps?: number; onProgress?: (p: Progress) => void } = {}): Promise<void> {
    const on = opts.onProgress;
    await runStage(this, { steps: opts.steps, onStep: on && ((r, p) => on({ ...p, loss: r.loss, gradNorm: r.gradNorm, lr: r.lr, valLoss: this.lastValLoss })) });
  }

  /** Mean loss on the validation split (the first evalBatches batches of it). */
  async evaluate(): Promise<number> {
    const { B, T } = this.trainer;
    this.lastValLoss = await this.trainer.evaluate(evalBatches(this.val, { B, T, maxBatches: this.settings.evalBatches }));
    return this.lastValLoss;
  }

  async sample(req: SampleRequest, onText?: (text: string) => void): Promise<string> {
    this.sampler ??= new KvSampler(this.model);
    const dec = new StreamingDecoder(this.tokenizer);
    const stop = req.stop ?? [];
    let text = '';
    const ids = this.tokenizer.encode(req.prompt);
    await this.sampler.generate(ids, {
      temperature: req.temperature ?? 0.8, topK: req.topK ?? 0, topP: req.topP ?? 1, maxTokens: req.maxTokens ?? 200, seed: req.seed ?? 1,
      shouldStop: () => stop.some((s) => s && text.includes(s)),
    }, (id) => {
      const piece = dec.push(id);
      text += piece;
      if (piece) onText?.(piece);
    });
    const tail = dec.flush();
    text += tail;
    if (tail) onText?.(tail);
    for (const s of stop) { const i = s ? text.indexOf(s) : -1; if (i >= 0) text = text.slice(0, i); }
    return text;
  }

  /** A checkpoint of the run as it is now: weights, AdamW moments, step, data order, settings.
   *  Step results not yet read back are read and dropped here: the loop reads them first. */
  async checkpoint(withOptimizer = true): Promise<Uint8Array> {
    await this.trainer.flush();
    const params = await modelParams(this.model);
    const optimizer = withOptimizer ? await saveMoments(this.trainer.opt) : undefined;
    return encodeCheckpoint({ config: this.config, tokenizer: this.tokenizer.toJSON(), stage: this.stage, step: this.step, params, optimizer,
      data: this.batcher.state(), schedule: this.settings });
  }

  destroy(): void {
    this.sampler?.destroy();
    this.trainer.destroy();
    this.model.destroy();
  }
}
