// The training engine as the web worker sees it (EngineBridge): builds a run of the chosen stage
// from the user's settings (engine-stages.ts) and drives it in the one loop (runtime/loop.ts) with
// one RunControl, so pause, stop, saves and samples take effect between two steps in every stage.
// It holds the models a session trained or loaded: the pretrained run, the SFT, reward and RL runs.
// It does not touch IndexedDB or the page (the worker does), and has no loop of its own.
import type { Gpu } from '../gpu/gpu';
import type { AutosaveHook, CompareResult, EngineBridge, EngineProgress, LoadedCheckpoint, PostData, PreviewTokenInfo, RolloutRow, SampleOptions, SavedCheckpoint, StageOptions } from './engine-types';
import { DEFAULT_DATA, type DataSettings, TOKENIZERS } from '../share/settings';
import { makeConfig } from '../model/config';
import { PretrainRun } from './pretrain';
import type { SftRun } from './sft';
import type { RewardRun } from './reward';
import type { RlRun } from './rl/run';
import { readAnyCheckpoint, readCheckpoint, STAGES } from './checkpoint-io';
import { generateCorpus } from '../data/corpus';
import { tokenizeInChunks } from '../data/tokenize';
import { RunControl } from './runtime/control';
import { runStage, type LoopOptions } from './runtime/loop';
import type { StageRun, StepResult } from './runtime/stage-run';
import { READ_EVERY, builtinFamilies, engineSettings, lmStepReport, pretrainEvalReport, rewardEvalReport, rewardFromBase, rewardStepReport, rlFromSft, rlStepReport, sftEvalReport, sftFromBase, uiTrain } from './engine-stages';
import { checkpointTokenizer, previewChat, rewardScore, rlReply, sftReply } from './engine-chat';
import { tokenizerFromJSON, type Tokenizer } from '../tokenizer';
import { tokenizerForText } from '../tokenizer/for-text';
import { corpusInfo, loadCorpus } from '../data/corpora';

/** Shown until the first losses arrive: kernels compile on the first step, and losses come in fives. */
const FIRST_STEPS = `compiling kernels, then ${READ_EVERY} steps before the first loss`;
const NONE = { trainLoss: NaN, lr: NaN, tokensPerSec: NaN };

type StageName = 'pretrain' | 'sft' | 'reward' | 'rlhf';
type Report = (p: EngineProgress) => void;

/** What a pretraining run was built from: continuing with other data or settings rebuilds it from a snapshot. */
interface RunInputs { source: DataSettings['source']; corpus: DataSettings['corpus']; text: string; train: string }
const inputsOf = (o: StageOptions): RunInputs => ({ source: o.data.source, corpus: o.data.corpus, text: o.data.text, train: JSON.stringify(o.train) });
const sameInputs = (a: RunInputs, b: RunInputs) => a.source === b.source && a.corpus === b.corpus && a.text === b.text && a.train === b.train;

export class TrainingEngine implements EngineBridge {
  readonly stages = ['pretrain', 'sft', 'reward', 'rlhf'] as const;
  private pretrain: PretrainRun | null = null;
  private inputs: RunInputs | null = null;
  private sft: SftRun | null = null;
  private reward: RewardRun | null = null;
  private rl: RlRun | null = null;
  /** A loaded checkpoint, kept until a run continues it; `preview` samples from it meanwhile. */
  private loaded: { bytes: Uint8Array; info: LoadedCheckpoint } | null = null;
  private preview: PretrainRun | null = null;
  private readonly control = new RunControl();
  /** The stage whose model saves and non-chat samples use. */
  private active: StageName = 'pretrain';

  constructor(private readonly gpu: Gpu) {}

  async start(opts: StageOptions, onProgress: Report, autosave?: AutosaveHook): Promise<void> {
    const stage = opts.stage;
    if (stage === 'data') throw new Error(`The ${stage} stage is not available in this build yet.`);
    this.control.begin();
    const phase = (message: string) => onProgress({ step: stage === 'pretrain' ? this.pretrain?.step ?? this.loaded?.info.step ?? 0 : 0, totalSteps: opts.train.steps, ...NONE, message });
    const loop = <R extends StepResult, E>(run: StageRun<R, E> & { resumeNotice?: string }, onStep: LoopOptions<R, E>['onStep'], onEval?: (m: E, step: number) => EngineProgress) => {
      if (run.resumeNotice) onProgress({ step: run.step, totalSteps: run.totalSteps, ...NONE, notice: run.resumeNotice });
      return runStage(run, {
        control: this.control, onStep,
        onEval: onEval && ((m, step) => onProgress(onEval(m, step))),
        // A paused run says exactly where it stands (reports otherwise come every READ_EVERY steps).
        onPause: (step) => onProgress({ step, totalSteps: run.totalSteps, ...NONE, message: 'paused' }),
        autosave: autosave && { everyMs: autosave.everyMs, save: () => autosave.save(() => this.snapshot()) },
      });
    };
    try {
      this.active = stage;
      if (stage === 'pretrain') {
        const run = await this.preparePretrain(opts, phase);
        await loop(run, (r, p) => onProgress(lmStepReport(r, p)), (m, step) => pretrainEvalReport(m, step, run.totalSteps));
      } else if (stage === 'sft') {
        const base = this.loaded?.bytes ?? (this.pretrain ? await this.pretrain.checkpoint(false) : null);
        if (!base) throw new Error('SFT starts from a pretrained model: train one (Pretrain) or load a checkpoint first.');
        phase('preparing the SFT data, then compiling kernels');
        const run = await sftFromBase(this.gpu, base, opts);
        this.dropPost();
        this.sft = run;
        await loop(run, (r, p) => onProgress(lmStepReport(r, p)), (m, step) => sftEvalReport(m, step, run.totalSteps));
      } else {
        const base = this.sft ? await this.sft.checkpoint(false) : this.loaded?.info.stage === STAGES.sft ? this.loaded.bytes : null;
        if (!base) throw new Error(`The ${stage === 'rlhf' ? 'RL run' : 'reward model'} starts from the SFT model: run SFT first (or load an SFT checkpoint).`);
        phase(`preparing the ${stage === 'rlhf' ? 'RL' : 'reward'} data, then compiling kernels`);
        if (stage === 'reward') {
          const run = await rewardFromBase(this.gpu, base, opts);
          this.reward?.destroy();
          this.reward = run;
          await loop(run, (r, p) => onProgress(rewardStepReport(r, p)), (m, step) => rewardEvalReport(m, step, run.totalSteps));
        } else {
          if (!opts.rl) throw new Error('The RL stage needs its method and settings.');
          const rm = opts.rl.reward === 'model' && this.reward ? await this.reward.checkpoint(false) : null;
          const seen: RolloutRow[] = [];
          const run = await rlFromSft(this.gpu, base, rm, opts.data, opts.rl, seen);
          this.rl?.destroy();
          this.rl = run;
          await loop(run, (r, p) => onProgress(rlStepReport(r, p, seen)));
        }
      }
    } catch (e) {
      // Stopped while tokenizing: not a failure.
      if (!this.control.stopped) throw e;
    } finally {
      await this.control.end();
    }
  }

  pause(): void { this.control.pause(); }
  resume(): void { this.control.resume(); }
  stop(): void { this.control.stop(); }

  private async preparePretrain(opts: StageOptions, phase: (m: string) => void): Promise<PretrainRun> {
    if (opts.data.source === 'builtin') phase(`loading the corpus: ${corpusInfo(opts.data.corpus).title}`);
    const text = opts.data.source === 'builtin' ? await loadCorpus(opts.data.corpus) : opts.data.text;
    if (text.length < 2) throw new Error('The training text is empty: paste some text or load a .txt file on the Data stage.');
    const signal = this.control.signal;
    const inputs = inputsOf(opts);
    if (opts.resume) {
      // Continue the stopped run in place, or rebuild it from the loaded checkpoint or a snapshot.
      if (!this.loaded && this.pretrain && this.inputs && sameInputs(this.inputs, inputs) && this.pretrain.step < this.pretrain.settings.steps) return this.pretrain;
      const bytes = this.loaded?.bytes ?? (this.pretrain ? await this.pretrain.checkpoint() : null);
      if (!bytes) throw new Error('There is nothing to continue: load a checkpoint or start a new run.');
      phase('tokenizing');
      const tokens = await tokenizeInChunks(text, tokenizerFromJSON(readCheckpoint(bytes).tokenizer as never), { signal });
      phase(FIRST_STEPS);
      const run = PretrainRun.fromCheckpoint(this.gpu, bytes, { tokens, settings: engineSettings(opts.train) });
      this.forget();
      this.pretrain = run;
    } else {
      const tokenizer = await this.tokenizer(opts.data, text, opts.model.vocabSize, phase, signal);
      phase('tokenizing');
      const tokens = await tokenizeInChunks(text, tokenizer, { signal });
      const config = makeConfig(opts.model, { vocabSize: Math.max(opts.model.vocabSize, tokenizer.vocabSize) });
      this.forget();
      phase(FIRST_STEPS);
      this.pretrain = PretrainRun.create(this.gpu, { config, tokenizer, tokens, settings: engineSettings(opts.train) });
    }
    this.inputs = inputs;
    this.active = 'pretrain';
    return this.pretrain;
  }

  private tokenizer(data: DataSettings, text: string, vocabSize: number, phase: (m: string) => void, signal: AbortSignal): Promise<Tokenizer> {
    return tokenizerForText(data.tokenizer, text, { vocabSize, signal, onProgress: (f) => phase(`training the BPE tokenizer: ${Math.round(f * 100)}%`) });
  }

  async previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number }> {
    const tokenizer = this.pretrain?.tokenizer ?? (this.loaded ? checkpointTokenizer(this.loaded.bytes) : null);
    if (!tokenizer) throw new Error('The preview needs the pretrained model\'s tokenizer: train or load a model first.');
    const families = data.source === 'jsonl' ? [] : await builtinFamilies({ ...DEFAULT_DATA, corpus: data.corpus ?? DEFAULT_DATA.corpus });
    return previewChat(tokenizer, data, families, index, 1337);
  }

  compare(prompt: string, opts: SampleOptions): Promise<CompareResult> {
    return this.control.atGap(async () => {
      const out: CompareResult = {};
      const base = this.loaded?.info.stage === STAGES.pretrain ? (this.preview ??= this.previewRun(this.loaded.bytes)) : this.pretrain;
      if (base) out.base = await base.sample({ prompt, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, maxTokens: opts.maxTokens, seed: Date.now() >>> 0 }, () => undefined);
      if (this.sft) out.sft = await sftReply(this.sft, prompt, opts);
      if (this.rl) out.rlhf = await rlReply(this.rl, prompt, opts);
      return out;
    });
  }

  score(prompt: string, answer: string): Promise<number> {
    return this.control.atGap(async () => {
      if (!this.reward) throw new Error('There is no reward model yet: train one first.');
      return rewardScore(this.reward, prompt, answer);
    });
  }

  sample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string> {
    return this.control.atGap(async () => {
      if (opts.chat && this.sft) {
        const text = await sftReply(this.sft, prompt, opts);
        onToken(text);
        return text;
      }
      const model = this.loaded ? (this.preview ??= this.previewRun(this.loaded.bytes)) : this.pretrain;
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
    return this.control.atGap(() => this.snapshot());
  }

  /** The active stage's model as it is now (between two steps when a run is in progress). */
  private async snapshot(): Promise<SavedCheckpoint> {
    const post = this.active === 'sft' ? this.sft : this.active === 'reward' ? this.reward : this.active === 'rlhf' ? this.rl : null;
    if (post) return { bytes: await post.checkpoint(), step: post.step, stage: post.stage, model: post.config };
    if (this.loaded) return { bytes: this.loaded.bytes, step: this.loaded.info.step, stage: this.loaded.info.stage, model: this.loaded.info.model };
    const run = this.pretrain;
    if (!run) throw new Error('There is nothing to save yet: train a model first.');
    return { bytes: await run.checkpoint(), step: run.step, stage: run.stage, model: run.config };
  }

  async loadCheckpoint(bytes: Uint8Array): Promise<LoadedCheckpoint> {
    if (this.control.running) throw new Error('Stop the current run before loading a checkpoint.');
    const ck = readAnyCheckpoint(bytes); // validates everything, with a specific message
    if (ck.stage === STAGES.reward) throw new Error('This is a reward-model checkpoint: the app trains reward models but cannot load one back yet. Load its SFT or pretrain checkpoint instead.');
    const kind = (ck.tokenizer as { kind?: unknown } | null)?.kind;
    tokenizerFromJSON(ck.tokenizer as never);
    const info: LoadedCheckpoint = { step: ck.step, stage: ck.stage, model: ck.config, train: uiTrain(ck.schedule),
      tokenizer: TOKENIZERS.find((t) => t === kind) ?? null };
    this.forget();
    this.loaded = { bytes, info };
    return info;
  }

  private dropPost(): void {
    this.sft?.destroy();
    this.reward?.destroy();
    this.rl?.destroy();
    this.sft = this.reward = this.rl = null;
  }

  /** Drops every model, the loaded checkpoint and its preview. */
  private forget(): void {
    this.pretrain?.destroy();
    this.preview?.destroy();
    this.dropPost();
    this.pretrain = this.preview = null;
    this.loaded = null;
    this.active = 'pretrain';
    this.inputs = null;
  }
}
