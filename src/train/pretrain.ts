// Pretraining: a base model learns next-token prediction on raw text. This module ties the engine
// pieces together for one run — model, LmTrainer, data windows, schedule, evaluation, sampling and
// checkpoints — and is what both the headless runner and the web worker drive.
// Resuming from a checkpoint restores weights, AdamW moments, the step, and the data order.
import type { Gpu } from '../gpu/gpu';
import { Gpt } from '../model/gpt';
import { makeConfig, type ModelConfig } from '../model/config';
import { expectedShapes, initParams, paramSpecs } from '../model/params';
import { KvSampler } from '../model/sampler';
import { LmTrainer, type StepResult } from './lm-trainer';
import { learningRate } from './schedule';
import { makeSettings, type TrainSettings } from './settings';
import { Batcher } from '../data/batcher';
import { splitTokens } from '../data/split';
import { evalBatches } from '../data/eval-batches';
import { encodeCheckpoint, decodeCheckpoint, type Checkpoint } from '../checkpoint/codec';
import { checkLmMemory, lmMemoryPlan } from './lm-memory';
import { tokenizerFromJSON, StreamingDecoder, type Tokenizer } from '../tokenizer';
import type { SamplingParams } from '../model/sample-cpu';

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

export interface RunOptions {
  /** Stop after this many more steps (default: until settings.steps). */
  steps?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Awaited before each step: where a caller pauses the run or takes a consistent snapshot. */
  beforeStep?: () => Promise<void>;
}

export interface SampleRequest extends Partial<SamplingParams> { prompt: string; maxTokens?: number; seed?: number; stop?: string[] }

export class PretrainRun {
  readonly stage: string = 'pretrain';
  step = 0;
  skipped = 0;
  lastValLoss: number | undefined;
  private readonly trainer: LmTrainer;
  private readonly batcher: Batcher;
  private readonly val: Int32Array | Uint32Array;
  private sampler: KvSampler | null = null;
  /** Step results read back outside run() (by checkpoint()), reported at the next report. */
  private unreported: StepResult[] = [];

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
    const settings = makeSettings(saved, opts.settings ?? {});
    const tokens = opts.tokens ?? (opts.text !== undefined ? Int32Array.from(tokenizer.encode(opts.text)) : null);
    if (!tokens) throw new Error('Continuing a run needs its training text.');
    const weights = Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
    const model = new Gpt(gpu, ck.config, weights);
    // Only a pretraining checkpoint's data-loader state describes windows of raw text.
    const sameData = ck.stage === 'pretrain' && ck.data !== undefined && (saved.batchSize === undefined || saved.batchSize === settings.batchSize);
    const run = new PretrainRun(gpu, model, tokenizer, settings, tokens, sameData ? ck.data : undefined);
    run.step = ck.step;
    if (ck.optimizer) run.trainer.opt.loadMoments(Object.fromEntries(Object.keys(ck.optimizer.m).map((k) => [k, { m: ck.optimizer!.m[k], v: ck.optimizer!.v[k] }])), ck.optimizer.step);
    return run;
  }

  get config(): ModelConfig { return this.model.config; }
  get tokensPerStep(): number { return this.trainer.B * this.trainer.T * this.trainer.accumSteps; }

  private schedule() {
    const s = this.settings;
    return { maxLr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, totalSteps: s.steps };
  }

  /** Trains until settings.steps (or `steps` more), reporting progress as losses are read back. */
  async run(opts: RunOptions = {}): Promise<void> {
    const end = Math.min(this.settings.steps, opts.steps !== undefined ? this.step + opts.steps : this.settings.steps);
    const t0 = performance.now();
    const startStep = this.step;
    const report = (fresh: StepResult[]) => {
      const results = [...this.unreported.splice(0), ...fresh];
      for (const r of results) {
        if (r.skipped) this.skipped++;
        if (!opts.onProgress) continue;
        const elapsed = (performance.now() - t0) / 1000;
        const done = r.step - startStep;
        const tokensPerSec = (done * this.tokensPerStep) / Math.max(elapsed, 1e-9);
        opts.onProgress({ step: r.step, totalSteps: this.settings.steps, loss: r.loss, gradNorm: r.gradNorm, lr: r.lr, tokensPerSec,
          etaSec: done > 0 ? ((end - r.step) * elapsed) / done : NaN, valLoss: this.lastValLoss, skipped: this.skipped });
      }
    };
    while (this.step < end && !opts.signal?.aborted) {
      await opts.beforeStep?.();
      if (opts.signal?.aborted) break;
      const batches = Array.from({ length: this.trainer.accumSteps }, () => this.batcher.next());
      const lr = learningRate(this.schedule(), this.step);
      report(await this.trainer.step(batches, lr));
      this.step++;
      const ev = this.settings.evalEvery;
      if ((ev > 0 && this.step % ev === 0) || this.step === end) {
        report(await this.trainer.flush());
        if (ev > 0 && this.val.length > 1) this.lastValLoss = await this.evaluate();
      }
    }
    report(await this.trainer.flush());
    await this.gpu.sync();
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

  /** A checkpoint of the run as it is now: weights, AdamW moments, step, data order, settings. */
  async checkpoint(withOptimizer = true): Promise<Uint8Array> {
    this.unreported.push(...await this.trainer.flush());
    const weights = await this.model.readWeights();
    const params = Object.fromEntries(paramSpecs(this.config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
    let optimizer: Checkpoint['optimizer'];
    if (withOptimizer) {
      const mom = await this.trainer.opt.readMoments();
      optimizer = { step: this.trainer.opt.step, m: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.m])), v: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.v])) };
    }
    return encodeCheckpoint({ config: this.config, tokenizer: this.tokenizer.toJSON(), stage: this.stage, step: this.step, params, optimizer,
      data: this.batcher.state(), schedule: this.settings });
  }

  destroy(): void {
    this.sampler?.destroy();
    this.trainer.destroy();
    this.model.destroy();
  }
}

export function readCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  return decodeCheckpoint<ModelConfig>(bytes, { parseConfig: (raw) => makeConfig(raw as Record<string, unknown>), expectedShapes });
}
