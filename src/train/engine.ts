// The training engine as the web worker sees it (EngineBridge): builds the tokenizer and data from
// the user's settings, runs a stage with pause / resume / stop, samples, and saves or loads
// checkpoints. Work that needs a consistent model (snapshots, samples) runs between two steps.
// SFT and reward runs are built and driven by PostStages (engine-post.ts) from this engine's models,
// RL runs by RlStages (engine-rl.ts).
// It does not touch IndexedDB or the page: the worker does.
import type { Gpu } from '../gpu/gpu';
import type { CompareResult, EngineBridge, EngineProgress, LoadedCheckpoint, PostData, PreviewTokenInfo, SampleOptions, SavedCheckpoint, StageOptions } from '../worker/engine-bridge';
import { type DataSettings, TOKENIZERS, type TokenizerKind, type TrainSettings as UiTrain } from '../share/settings';
import { makeConfig } from '../model/config';
import { PretrainRun, readCheckpoint } from './pretrain';
import type { TrainSettings } from './settings';
import { generateCorpus } from '../data/corpus';
import { tokenizeInChunks } from '../data/tokenize';
import { REWARD_STAGE, readAnyCheckpoint } from './reward';
import { PostStages, checkpointTokenizer, previewChat } from './engine-post';
import { RlStages } from './engine-rl';
import { ByteTokenizer, CharTokenizer, trainBpe, tokenizerFromJSON, type Tokenizer } from '../tokenizer';

/** Losses are read back from the GPU every this many steps (each read-back stalls the queue). */
const READ_EVERY = 5;
/** Shown until the first losses arrive: kernels compile on the first step, and losses come in fives. */
const FIRST_STEPS = `compiling kernels, then ${READ_EVERY} steps before the first loss`;

type Gate = { promise: Promise<void>; open: () => void };
const openGate = (): Gate => { let open!: () => void; const promise = new Promise<void>((r) => (open = r)); return { promise, open }; };

/** The UI's training settings in the engine's terms (src/train/settings.ts). */
const runSettings = (t: UiTrain): Partial<TrainSettings> => ({
  steps: t.steps, batchSize: t.batch, lr: t.lr, minLr: t.lr / 10, warmupSteps: t.warmup, weightDecay: t.weightDecay,
  gradClip: t.gradClip, seed: t.seed, evalEvery: t.evalEvery, readEvery: READ_EVERY,
});

/** A saved schedule in the UI's terms; fields the file lacks are left out. */
function uiTrain(schedule: unknown): Partial<UiTrain> {
  const s = (typeof schedule === 'object' && schedule !== null ? schedule : {}) as Partial<TrainSettings>;
  const all = { lr: s.lr, steps: s.steps, batch: s.batchSize, warmup: s.warmupSteps, weightDecay: s.weightDecay, gradClip: s.gradClip, seed: s.seed, evalEvery: s.evalEvery };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => typeof v === 'number'));
}

/** What a run was built from: continuing with other data or settings rebuilds it from a snapshot. */
interface RunInputs { source: DataSettings['source']; text: string; train: string }
const inputsOf = (o: StageOptions): RunInputs => ({ source: o.data.source, text: o.data.text, train: JSON.stringify(o.train) });
const sameInputs = (a: RunInputs, b: RunInputs) => a.source === b.source && a.text === b.text && a.train === b.train;

export class TrainingEngine implements EngineBridge {
  readonly stages = ['pretrain', 'sft', 'reward', 'rlhf'] as const;
  private run: PretrainRun | null = null;
  private inputs: RunInputs | null = null;
  /** A loaded checkpoint, kept until a run continues it; `preview` samples from it meanwhile. */
  private loaded: { bytes: Uint8Array; info: LoadedCheckpoint } | null = null;
  private preview: PretrainRun | null = null;
  private abort: AbortController | null = null;
  private pauseGate: Gate | null = null;
  /** Work waiting for the gap between two steps; `kick` wakes a paused run to do it. */
  private tasks: (() => Promise<void>)[] = [];
  private kick = openGate();
  private running = false;
  private readonly post: PostStages;
  private readonly rl: RlStages;
  /** The stage whose model saves and non-chat samples use. */
  private active: 'pretrain' | 'sft' | 'reward' | 'rlhf' = 'pretrain';

  constructor(private readonly gpu: Gpu) { this.post = new PostStages(gpu); this.rl = new RlStages(gpu); }

  async start(opts: StageOptions, onProgress: (p: EngineProgress) => void): Promise<void> {
    const stage = opts.stage;
    if (stage === 'data') throw new Error(`The ${stage} stage is not available in this build yet.`);
    if (this.running) throw new Error('A run is already in progress.');
    this.running = true;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const phase = (message: string) => onProgress({ step: stage === 'pretrain' ? this.run?.step ?? this.loaded?.info.step ?? 0 : 0, totalSteps: opts.train.steps, trainLoss: NaN, lr: NaN, tokensPerSec: NaN, message });
    try {
      if (stage !== 'pretrain') {
        await this.startPost(stage, opts, onProgress, phase, signal);
        return;
      }
      const text = opts.data.source === 'builtin' ? generateCorpus() : opts.data.text;
      if (text.length < 2) throw new Error('The training text is empty: paste some text or load a .txt file on the Data stage.');
      if (opts.resume) await this.prepareResume(opts, text, phase, signal);
      else await this.prepareFresh(opts, text, phase, signal);
      const run = this.run!;
      // Validation runs after a step's report; it is reported on its own, at the step it measured.
      let sentVal = run.lastValLoss;
      const reportVal = () => {
        const v = run.lastValLoss;
        if (v === undefined || v === sentVal) return;
        sentVal = v;
        onProgress({ step: run.step, totalSteps: run.settings.steps, trainLoss: NaN, valLoss: v, lr: NaN, tokensPerSec: NaN });
      };
      await run.run({
        signal,
        beforeStep: async () => {
          reportVal();
          // A paused run says exactly where it stands (reports otherwise come every READ_EVERY steps).
          if (this.pauseGate) onProgress({ step: run.step, totalSteps: run.settings.steps, trainLoss: NaN, lr: NaN, tokensPerSec: NaN, message: 'paused' });
          await this.betweenSteps();
        },
        onProgress: (p) => onProgress({ step: p.step, totalSteps: p.totalSteps, trainLoss: p.loss, lr: p.lr, tokensPerSec: p.tokensPerSec,
          message: p.skipped ? `${p.skipped} step(s) skipped: the gradient was not finite` : undefined }),
      });
      reportVal();
      this.active = 'pretrain';
    } catch (e) {
      // Stopped while tokenizing: not a failure.
      if (!signal.aborted) throw e;
    } finally {
      this.running = false;
      this.abort = null;
      this.resume();
      await this.drain();
    }
  }

  /** SFT from the pretrained model (this run's or the loaded one); reward and RL from the SFT model. */
  private async startPost(stage: 'sft' | 'reward' | 'rlhf', opts: StageOptions, onProgress: (p: EngineProgress) => void, phase: (m: string) => void, signal: AbortSignal): Promise<void> {
    const base = stage === 'sft'
      ? this.loaded?.bytes ?? (this.run ? await this.run.checkpoint(false) : null)
      : this.post.sft ? await this.post.sft.checkpoint(false) : this.loaded?.info.stage === 'sft' ? this.loaded.bytes : null;
    if (!base) throw new Error(stage === 'sft' ? 'SFT starts from a pretrained model: train one (Pretrain) or load a checkpoint first.' : `The ${stage === 'rlhf' ? 'RL run' : 'reward model'} starts from the SFT model: run SFT first (or load an SFT checkpoint).`);
    phase(`preparing the ${stage === 'sft' ? 'SFT' : stage === 'rlhf' ? 'RL' : 'reward'} data, then compiling kernels`);
    const between = async () => {
      if (this.pauseGate) onProgress({ step: 0, totalSteps: opts.train.steps, trainLoss: NaN, lr: NaN, tokensPerSec: NaN, message: 'paused' });
      await this.betweenSteps();
    };
    this.active = stage;
    if (stage === 'rlhf') {
      if (!opts.rl) throw new Error('The RL stage needs its method and settings.');
      const rm = opts.rl.reward === 'model' && this.post.reward ? await this.post.reward.checkpoint(false) : null;
      await this.rl.runRl(base, rm, opts.rl, onProgress, between, signal);
    } else if (stage === 'sft') await this.post.runSft(base, opts, onProgress, between, signal);
    else await this.post.runReward(base, opts, onProgress, between, signal);
  }

  async previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number }> {
    const tokenizer = this.run?.tokenizer ?? (this.loaded ? checkpointTokenizer(this.loaded.bytes) : null);
    if (!tokenizer) throw new Error('The preview needs the pretrained model\'s tokenizer: train or load a model first.');
    return previewChat(tokenizer, data, index, 1337);
  }

  compare(prompt: string, opts: SampleOptions): Promise<CompareResult> {
    return this.atGap(async () => {
      const out: CompareResult = {};
      const base = this.loaded?.info.stage === 'pretrain' ? (this.preview ??= this.previewRun(this.loaded.bytes)) : this.run;
      if (base) out.base = await base.sample({ prompt, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: Date.now() >>> 0 }, () => undefined);
      if (this.post.sft) out.sft = await this.post.chatSample(prompt, opts, () => undefined);
      const rl = await this.rl.reply(prompt, opts);
      if (rl !== null) out.rlhf = rl;
      return out;
    });
  }

  score(prompt: string, answer: string): Promise<number> {
    return this.atGap(() => this.post.score(prompt, answer));
  }

  private async prepareFresh(opts: StageOptions, text: string, phase: (m: string) => void, signal: AbortSignal): Promise<void> {
    const tokenizer = await this.tokenizer(opts.data, text, opts.model.vocabSize, phase, signal);
    phase('tokenizing');
    const tokens = await tokenizeInChunks(text, tokenizer, { signal });
    const config = makeConfig(opts.model, { vocabSize: Math.max(opts.model.vocabSize, tokenizer.vocabSize) });
    this.forget();
    phase(FIRST_STEPS);
    this.run = PretrainRun.create(this.gpu, { config, tokenizer, tokens, settings: runSettings(opts.train) });
    this.inputs = inputsOf(opts);
  }

  /** Continues the stopped run in place, or rebuilds it from the loaded checkpoint or a snapshot. */
  private async prepareResume(opts: StageOptions, text: string, phase: (m: string) => void, signal: AbortSignal): Promise<void> {
    const inputs = inputsOf(opts);
    if (!this.loaded && this.run && this.inputs && sameInputs(this.inputs, inputs) && this.run.step < this.run.settings.steps) return;
    const bytes = this.loaded?.bytes ?? (this.run ? await this.run.checkpoint() : null);
    if (!bytes) throw new Error('There is nothing to continue: load a checkpoint or start a new run.');
    phase('tokenizing');
    const tokens = await tokenizeInChunks(text, tokenizerFromJSON(readCheckpoint(bytes).tokenizer as never), { signal });
    phase(FIRST_STEPS);
    const run = PretrainRun.fromCheckpoint(this.gpu, bytes, { tokens, settings: runSettings(opts.train) });
    this.forget();
    this.run = run;
    this.inputs = inputs;
  }

  private async tokenizer(data: DataSettings, text: string, vocabSize: number, phase: (m: string) => void, signal: AbortSignal): Promise<Tokenizer> {
    switch (data.tokenizer) {
      case 'byte': return new ByteTokenizer();
      case 'char': return CharTokenizer.fromCorpus(text);
      case 'bpe': return trainBpe(text, { vocabSize, signal, onProgress: (f) => phase(`training the BPE tokenizer: ${Math.round(f * 100)}%`) });
    }
  }

  pause(): void { this.pauseGate ??= openGate(); }
  resume(): void { this.pauseGate?.open(); this.pauseGate = null; }
  stop(): void { this.abort?.abort(); this.resume(); }

  /** Runs before every step: does the waiting work, and holds here while paused. */
  private async betweenSteps(): Promise<void> {
    for (;;) {
      this.kick = openGate();
      await this.drain();
      if (!this.pauseGate) return;
      await Promise.race([this.pauseGate.promise, this.kick.promise]);
    }
  }

  private async drain(): Promise<void> {
    while (this.tasks.length) await this.tasks.shift()!();
  }

  /** Runs `fn` now, or during a run at the next gap between two steps. */
  private atGap<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.running) return fn();
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(() => fn().then(resolve, reject));
      this.kick.open();
    });
  }

  sample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string> {
    return this.atGap(async () => {
      if (opts.chat && this.post.sft) return this.post.chatSample(prompt, opts, onToken);
      const model = this.loaded ? (this.preview ??= this.previewRun(this.loaded.bytes)) : this.run;
      if (!model) throw new Error('There is no model yet: train one (Pretrain) or load a checkpoint first.');
      return model.sample({ prompt, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: Date.now() >>> 0 }, onToken);
    });
  }

  /** The checkpoint's model with a minimal training shell (one short window), used only to sample. */
  private previewRun(bytes: Uint8Array): PretrainRun {
    const ck = readCheckpoint(bytes);
    const probe = Int32Array.from(tokenizerFromJSON(ck.tokenizer as never).encode(generateCorpus({ bytes: 4096 })));
    const seqLen = Math.min(8, ck.config.contextLength);
    return PretrainRun.fromCheckpoint(this.gpu, bytes, { tokens: probe, settings: { batchSize: 1, seqLen, valFraction: 0, accumSteps: 1 } });
  }

  saveCheckpoint(): Promise<SavedCheckpoint> {
    return this.atGap(async () => {
      const post = this.active === 'sft' ? this.post.sft : this.active === 'reward' ? this.post.reward : this.active === 'rlhf' ? this.rl.run : null;
      if (post) return { bytes: await post.checkpoint(), step: post.step, stage: post.stage, model: post.config };
      if (this.loaded) return { bytes: this.loaded.bytes, step: this.loaded.info.step, stage: this.loaded.info.stage, model: this.loaded.info.model };
      const run = this.run;
      if (!run) throw new Error('There is nothing to save yet: train a model first.');
      return { bytes: await run.checkpoint(), step: run.step, stage: run.stage, model: run.config };
    });
  }

  async loadCheckpoint(bytes: Uint8Array): Promise<LoadedCheckpoint> {
    if (this.running) throw new Error('Stop the current run before loading a checkpoint.');
    const ck = readAnyCheckpoint(bytes); // validates everything, with a specific message
    if (ck.stage === REWARD_STAGE) throw new Error('This is a reward-model checkpoint: the app trains reward models but cannot load one back yet. Load its SFT or pretrain checkpoint instead.');
    const kind = (ck.tokenizer as { kind?: unknown } | null)?.kind;
    tokenizerFromJSON(ck.tokenizer as never);
    const info: LoadedCheckpoint = { step: ck.step, stage: ck.stage, model: ck.config, train: uiTrain(ck.schedule),
      tokenizer: TOKENIZERS.find((t) => t === kind) ?? null };
    this.forget();
    this.loaded = { bytes, info };
    return info;
  }

  /** Drops the current model, the loaded checkpoint and its preview. */
  private forget(): void {
    this.run?.destroy();
    this.preview?.destroy();
    this.post.destroy();
    this.rl.destroy();
    this.run = this.preview = null;
    this.loaded = null;
    this.active = 'pretrain';
    this.inputs = null;
  }
}
