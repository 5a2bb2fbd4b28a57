// The training engine as the web worker sees it (EngineBridge): builds the tokenizer and data from
// the user's settings, runs a stage with pause / resume / stop, samples, and saves or loads
// checkpoints. Snapshots are taken between two steps, so a checkpoint is always consistent.
// It does not touch IndexedDB or the page: the worker does.
import type { Gpu } from '../gpu/gpu';
import type { EngineBridge, EngineProgress, SampleOptions, StageOptions } from '../worker/engine-bridge';
import type { DataSettings } from '../share/settings';
import { makeConfig } from '../model/config';
import { PretrainRun, readCheckpoint } from './pretrain';
import { generateCorpus } from '../data/corpus';
import { tokenizeInChunks } from '../data/tokenize';
import { ByteTokenizer, CharTokenizer, trainBpe, tokenizerFromJSON, type Tokenizer } from '../tokenizer';

type Gate = { promise: Promise<void>; open: () => void };
const openGate = (): Gate => { let open!: () => void; const promise = new Promise<void>((r) => (open = r)); return { promise, open }; };

export class TrainingEngine implements EngineBridge {
  readonly stages = ['pretrain'] as const;
  private run: PretrainRun | null = null;
  /** A loaded checkpoint's model, for sampling before training continues from it. */
  private preview: PretrainRun | null = null;
  /** Bytes of a checkpoint loaded but not yet trained on (its run needs the user's data first). */
  private loaded: Uint8Array | null = null;
  private abort: AbortController | null = null;
  private pauseGate: Gate | null = null;
  private snapshots: (() => Promise<void>)[] = [];
  private running = false;

  constructor(private readonly gpu: Gpu) {}

  private async tokenizer(data: DataSettings, text: string, vocabSize: number, onProgress: (p: EngineProgress) => void, signal: AbortSignal): Promise<Tokenizer> {
    switch (data.tokenizer) {
      case 'byte': return new ByteTokenizer();
      case 'char': return CharTokenizer.fromCorpus(text);
      case 'bpe':
        return trainBpe(text, { vocabSize, signal, onProgress: (fraction) => onProgress({ step: 0, totalSteps: 0, trainLoss: NaN, lr: 0, tokensPerSec: 0, message: `training the BPE tokenizer: ${Math.round(fraction * 100)}%` }) });
      default:
        throw new Error(`The "${data.tokenizer}" tokenizer needs its tokenizer.json, which this build does not ship. Choose char, byte or bpe.`);
    }
  }

  async start(opts: StageOptions, onProgress: (p: EngineProgress) => void): Promise<void> {
    if (opts.stage !== 'pretrain') throw new Error(`The ${opts.stage} stage is not available in this build yet.`);
    if (this.running) throw new Error('A run is already in progress.');
    this.running = true;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    try {
      const text = opts.data.source === 'builtin' ? generateCorpus() : opts.data.text;
      if (text.length < 2) throw new Error('The training text is empty: paste some text or load a .txt file on the Data stage.');
      const settings = { steps: opts.train.steps, batchSize: opts.train.batch, lr: opts.train.lr, minLr: opts.train.lr / 10, warmupSteps: opts.train.warmup,
        weightDecay: opts.train.weightDecay, gradClip: opts.train.gradClip, seed: opts.train.seed, evalEvery: opts.train.evalEvery, readEvery: 5 };
      const message = (m: string) => onProgress({ step: this.run?.step ?? 0, totalSteps: opts.train.steps, trainLoss: NaN, lr: 0, tokensPerSec: 0, message: m });
      if (this.loaded) {
        message('tokenizing');
        const tokenizer = tokenizerFromJSON(readCheckpoint(this.loaded).tokenizer as never);
        const tokens = await tokenizeInChunks(text, tokenizer, { signal });
        this.run?.destroy();
        this.dropPreview();
        this.run = PretrainRun.fromCheckpoint(this.gpu, this.loaded, { tokens, settings });
        this.loaded = null;
      } else if (!this.run || this.run.step >= this.run.settings.steps || opts.train.steps !== this.run.settings.steps) {
        const tokenizer = await this.tokenizer(opts.data, text, opts.model.vocabSize, onProgress, signal);
        message('tokenizing');
        const tokens = await tokenizeInChunks(text, tokenizer, { signal });
        const config = makeConfig(opts.model, { vocabSize: Math.max(opts.model.vocabSize, tokenizer.vocabSize) });
        this.run?.destroy();
        this.run = null;
        message('compiling kernels');
        this.run = PretrainRun.create(this.gpu, { config, tokenizer, tokens, settings });
      }
      const run = this.run!;
      await run.run({
        signal,
        beforeStep: async () => {
          while (this.snapshots.length) await this.snapshots.shift()!();
          if (this.pauseGate) await this.pauseGate.promise;
        },
        onProgress: (p) => onProgress({ step: p.step, totalSteps: p.totalSteps, trainLoss: p.loss, valLoss: p.valLoss, lr: p.lr, tokensPerSec: p.tokensPerSec,
          message: p.skipped ? `${p.skipped} step(s) skipped: the gradient was not finite` : undefined }),
      });
      while (this.snapshots.length) await this.snapshots.shift()!();
    } finally {
      this.running = false;
      this.abort = null;
      this.pauseGate?.open();
      this.pauseGate = null;
    }
  }

  pause(): void { this.pauseGate ??= openGate(); }
  resume(): void { this.pauseGate?.open(); this.pauseGate = null; }
  stop(): void { this.abort?.abort(); this.resume(); }

  async sample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string> {
    const model = this.loaded ? (this.preview ??= this.previewRun(this.loaded)) : this.run;
    if (!model) throw new Error('There is no model yet: train one (Pretrain) or load a checkpoint first.');
    return model.sample({ prompt, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: Date.now() >>> 0 }, onToken);
  }

  /** The checkpoint's model with a minimal training shell (1 × 8 tokens), used only to sample. */
  private previewRun(bytes: Uint8Array): PretrainRun {
    const tokenizer = tokenizerFromJSON(readCheckpoint(bytes).tokenizer as never);
    const probe = Int32Array.from(tokenizer.encode(generateCorpus({ bytes: 4096 })));
    return PretrainRun.fromCheckpoint(this.gpu, bytes, { tokens: probe, settings: { batchSize: 1, seqLen: 8, valFraction: 0, accumSteps: 1 } });
  }

  private dropPreview(): void { this.preview?.destroy(); this.preview = null; }

  async saveCheckpoint(): Promise<Uint8Array> {
    if (this.loaded) return this.loaded;
    const run = this.run;
    if (!run) throw new Error('There is nothing to save yet: train a model first.');
    if (!this.running) return run.checkpoint();
    return new Promise<Uint8Array>((resolve, reject) => this.snapshots.push(() => run.checkpoint().then(resolve, reject)));
  }

  async loadCheckpoint(bytes: Uint8Array): Promise<void> {
    if (this.running) throw new Error('Stop the current run before loading a checkpoint.');
    readCheckpoint(bytes); // validates everything, with a specific message
    this.run?.destroy();
    this.run = null;
    this.dropPreview();
    this.loaded = bytes;
  }
}
