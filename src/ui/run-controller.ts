// The run the page shows: its state (running, paused, ...), step and total, phase text, curves,
// post-training metrics and rollouts, and which models this tab holds (pretrained, SFT, reward,
// RL) — with the actions on them: start / continue, pause, resume, stop, and sampling, comparing
// and scoring with those models. Progress arrives as batches of RunEvents from the worker.
// It does not list or store checkpoints (checkpoints-controller.ts) or hold the user's settings.
import { proxy } from 'comlink';
import type { CheckpointManifest } from '../checkpoint/store';
import type { ModelConfig } from '../model/config';
import type { Settings, StageId } from '../share/settings';
import type { CompareResult, LoadedCheckpoint, PostData, PostMetrics, PreviewTokenInfo, RlOptions, RolloutRow, StageOptions } from '../worker/engine-bridge';
import type { RunEvent } from '../worker/protocol';
import { LossSeries } from './loss-series';
import type { Messages } from './messages';
import type { RlPoint } from './tg-rl-chart';
import type { TrainerConnection } from './trainer-connection';

export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'stopping';

/** A model that Continue picks up from its step: a loaded checkpoint, or a stopped run. */
export interface Resumable { step: number; model: ModelConfig; from: string }

/** How the last run ended ('' before the first, and while one runs). */
export type RunEnd = '' | 'done' | 'stopped' | 'failed';

export class RunController {
  runState: RunState = 'idle';
  lastEnd: RunEnd = '';
  /** How many runs have ended, counted once everything a run changes is settled; <tg-app>
   *  mirrors it as data-runs-ended, so a test can wait for the end of the run it started. */
  runsEnded = 0;
  step = 0;
  totalSteps = 0;
  phase = '';
  /** The engine holds a model to sample from (trained here or loaded). */
  hasModel = false;
  resumable: Resumable | null = null;
  /** The stage of the current (or last) run. */
  runStage: StageId = 'pretrain';
  /** Which pretrained model SFT starts from, in words ('' while there is none). */
  baseModel = '';
  /** The SFT model the reward stage starts from, in words ('' while there is none). */
  sftModel = '';
  /** A reward model was trained here: answers can be scored. */
  rewardReady = false;
  /** The RL model trained here, in words ('' while there is none). */
  rlModel = '';
  /** RL: mean reward and KL to the reference per step, and the newest graded rollouts. */
  rlCurve: RlPoint[] = [];
  rollouts: RolloutRow[] = [];
  /** The latest post-training numbers of the current (or last) run. */
  postMetrics: PostMetrics = {};
  readonly series = new LossSeries();
  sampleText = '';
  sampling = false;

  constructor(private readonly conn: TrainerConnection, private readonly messages: Messages, private readonly changed: () => void,
    /** Called when checkpoints may have changed (a run ended, an autosave landed). */
    private readonly onCheckpoints: (storage: boolean) => Promise<void>) {}

  get busy(): boolean { return this.runState !== 'idle'; }

  /** Starts a new run, or with `resume` continues `resumable` from its step. */
  async start(settings: Settings, resume = false, post?: PostData, rl?: RlOptions): Promise<void> {
    if (this.busy) return;
    if (settings.stage === 'sft' || settings.stage === 'reward' || settings.stage === 'rlhf') return this.startPost(settings, post, rl);
    this.runStage = 'pretrain';
    this.sftModel = '';
    this.rlModel = '';
    this.rewardReady = false;
    const from = resume ? this.resumable : null;
    if (resume && !from) return;
    this.begin(from?.step ?? 0, settings.train.steps);
    this.resumable = null;
    const { stage, model, data, train } = settings;
    const failed = await this.drive(() => ({ stage, model: from?.model ?? model, data, train, resume }));
    // A run can go on (a finished one once Steps is raised); after a failure, the model it started from can.
    if (!failed && this.hasModel && this.step > 0) this.baseModel = `this tab's pretrained model (step ${this.step})`;
    if (!failed && this.hasModel && this.step > 0) this.resumable = { step: this.step, model: from?.model ?? model, from: 'this run' };
    else if (failed && from) this.resumable = from;
    await this.end();
  }

  /** An SFT, reward or RL run; it leaves the pretrain run's Continue as it was. */
  private async startPost(settings: Settings, post?: PostData, rl?: RlOptions): Promise<void> {
    const stage = settings.stage;
    this.runStage = stage;
    this.postMetrics = {};
    this.rlCurve = [];
    this.rollouts = [];
    this.begin(0, rl?.steps ?? settings.train.steps);
    const { model, data, train } = settings;
    const failed = await this.drive(() => ({ stage, model, data, train, post, rl }));
    const trained = !failed && this.series.length > 0;
    if (stage === 'sft') { if (trained) this.sftModel = `the SFT model trained in this tab (step ${this.step})`; this.rewardReady = false; }
    else if (stage === 'rlhf') { if (trained) this.rlModel = `the ${rl?.method.toUpperCase() ?? 'RL'} model trained in this tab (step ${this.step})`; }
    else this.rewardReady ||= trained;
    await this.end();
  }

  private begin(step: number, totalSteps: number): void {
    this.runState = 'running';
    this.lastEnd = '';
    this.series.clear();
    this.step = step;
    this.totalSteps = totalSteps;
    this.phase = '';
    this.changed();
  }

  /** Runs the stage in the worker; returns whether it failed. */
  private async drive(options: () => StageOptions): Promise<boolean> {
    const onEvents = proxy((batch: RunEvent[]) => this.onRunEvents(batch));
    let failed = false;
    await this.conn.attempt('Training stopped', () => this.conn.api.startStage(options(), onEvents).catch((e: unknown) => { failed = true; throw e; }));
    this.lastEnd = failed ? 'failed' : this.step >= this.totalSteps ? 'done' : 'stopped';
    return failed;
  }

  private async end(): Promise<void> {
    this.runState = 'idle';
    this.phase = '';
    await this.onCheckpoints(false);
    this.runsEnded++;
    this.changed();
  }

  private onRunEvents(batch: RunEvent[]): void {
    const steps = [];
    for (const e of batch) {
      if (e.type === 'step') {
        steps.push(e);
        if (e.notice) this.messages.notice(e.notice);
        if (e.metrics) this.postMetrics = { ...this.postMetrics, ...e.metrics };
        if (e.rollouts) this.rollouts = e.rollouts;
        const m = e.metrics;
        if (this.runStage === 'rlhf' && m?.meanReward !== undefined)
          this.rlCurve = [...this.rlCurve, { step: e.step, reward: m.meanReward, kl: m.kl ?? NaN, valueLoss: m.valueLoss, clipFrac: m.clipFrac, length: m.responseLength }];
      }
      else if (e.type === 'autosaved') this.messages.notice(`Autosaved "${e.manifest.name}".`);
      else this.messages.error(`Autosave failed: ${e.error}`);
    }
    this.series.append(steps);
    const lastStep = steps[steps.length - 1];
    if (lastStep) {
      this.step = lastStep.step;
      this.totalSteps = lastStep.totalSteps;
      this.phase = lastStep.message ?? '';
    }
    if (this.runStage === 'pretrain' && steps.some((e) => Number.isFinite(e.trainLoss))) this.hasModel = true;
    if (batch.some((e) => e.type === 'autosaved')) void this.onCheckpoints(true);
    this.changed();
  }

  /** The tab now holds the loaded checkpoint's model: Continue picks it up at its step. */
  adoptLoaded(m: CheckpointManifest, info: LoadedCheckpoint): void {
    this.hasModel = true;
    this.baseModel = `"${m.name}" (${info.stage}, step ${info.step})`;
    this.sftModel = info.stage === 'sft' ? this.baseModel : '';
    this.rlModel = '';
    this.rewardReady = false;
    this.resumable = { step: info.step, model: info.model, from: `"${m.name}"` };
    this.lastEnd = '';
    this.step = info.step;
    this.totalSteps = info.train.steps ?? 0;
    this.series.clear();
    this.messages.notice(`Loaded "${m.name}" (step ${info.step}). Continue trains it further; Generate samples from it.`);
  }

  async pause(): Promise<void> {
    await this.conn.attempt('Could not pause', async () => { await this.conn.api.pause(); this.runState = 'paused'; });
  }
  async resume(): Promise<void> {
    await this.conn.attempt('Could not resume', async () => { await this.conn.api.resume(); this.runState = 'running'; });
  }
  async stop(): Promise<void> {
    await this.conn.attempt('Could not stop', async () => { this.runState = 'stopping'; await this.conn.api.stop(); });
  }

  async sample(settings: Settings): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    this.sampleText = '';
    this.changed();
    const { prompt, ...rest } = settings.sample;
    const opts = { ...rest, chat: !!this.sftModel && (settings.stage === 'sft' || settings.stage === 'reward') };
    const onText = proxy((pieces: string[]) => { this.sampleText += pieces.join(''); this.changed(); });
    const full = await this.conn.attempt('Sampling failed', () => this.conn.api.sample(prompt, opts, onText));
    if (full !== undefined) this.sampleText = full;
    this.sampling = false;
    this.changed();
  }

  async previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number } | undefined> {
    return this.conn.attempt('Could not preview the dataset', () => this.conn.api.previewChat(data, index));
  }

  /** Two sampled replies of the SFT model to `prompt` (a user turn), for the user to compare. */
  async chatPair(settings: Settings, prompt: string): Promise<[string, string] | undefined> {
    const { temperature, topK, topP, maxTokens } = settings.sample;
    const chat = { temperature, topK, topP, maxTokens, chat: true };
    const one = () => this.conn.api.sample(prompt, chat, proxy(() => undefined));
    return this.conn.attempt('Sampling failed', async () => [await one(), await one()] as [string, string]);
  }

  /** `prompt` through the pretrained, SFT and RL models this session holds. */
  async compare(settings: Settings, prompt: string): Promise<CompareResult | undefined> {
    const { temperature, topK, topP, maxTokens } = settings.sample;
    return this.conn.attempt('Comparing failed', () => this.conn.api.compare(prompt, { temperature, topK, topP, maxTokens }));
  }

  async score(prompt: string, answer: string): Promise<number | undefined> {
    return this.conn.attempt('Could not score the answer', () => this.conn.api.score(prompt, answer));
  }
}
