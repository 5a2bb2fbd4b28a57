// The one reactive controller that owns the trainer worker and its Comlink client. It keeps the
// state the panels show (adapter, run, curves, checkpoints, jobs, messages) and offers the actions
// they call. Components reach it through trainerContext (trainer-context.ts); it tells them to
// re-render at most once per animation frame, however fast progress arrives.
// It does not hold the user's settings: <tg-app> does, and passes them in with each action.
import { type Remote, proxy, transfer, wrap } from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AdapterSummary } from '../gpu/device';
import type { CheckpointManifest } from '../checkpoint/store';
import type { ModelConfig } from '../model/config';
import type { Settings, StageId } from '../share/settings';
import type { CompareResult, LoadedCheckpoint, PostData, PostMetrics, PreviewTokenInfo, RlOptions, RolloutRow } from '../worker/engine-bridge';
import type { CorpusInfo, JobProgress, RunEvent, StorageInfo } from '../worker/protocol';
import type { TrainerApi } from '../worker/trainer.worker';
import { LossSeries } from './loss-series';
import { Messages } from './messages';
import type { RlPoint } from './tg-rl-chart';

export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'stopping';

export interface JobState { id: string; label: string; done: number; total: number }

/** A model that Continue picks up from its step: a loaded checkpoint, or a stopped run. */
export interface Resumable { step: number; model: ModelConfig; from: string }

/** How the last run ended ('' before the first, and while one runs). */
export type RunEnd = '' | 'done' | 'stopped' | 'failed';

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class TrainerController implements ReactiveController {
  adapter: AdapterSummary | null = null;
  gpuError = '';
  initializing = true;
  /** Stages the connected engine runs; null while no engine is connected. */
  engineStages: StageId[] | null = null;
  runState: RunState = 'idle';
  lastEnd: RunEnd = '';
  /** How many runs have ended (counted once everything a run changes is settled); <tg-app>
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
  checkpoints: CheckpointManifest[] = [];
  storage: StorageInfo | null = null;
  persisted: boolean | null = null;
  jobs: JobState[] = [];
  sampleText = '';
  sampling = false;
  corpus: CorpusInfo | null = null;
  readonly messages = new Messages(() => this.changed());

  private worker: Worker | null = null;
  private remote: Remote<TrainerApi> | null = null;
  private listeners = new Set<() => void>();
  private frame = 0;
  private jobCounter = 0;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  get engineConnected(): boolean { return this.engineStages !== null; }
  get busy(): boolean { return this.runState !== 'idle'; }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hostConnected(): void {
    if (this.worker) return;
    this.worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'tabgpt-trainer' });
    this.worker.addEventListener('error', (e) => {
      this.gpuError = `The trainer could not start (${e.message || 'worker failed to load'}). Reload the page.`;
      this.initializing = false;
      this.changed();
    });
    this.remote = wrap<TrainerApi>(this.worker);
    void this.init();
  }

  hostDisconnected(): void {
    this.remote = null;
    this.worker?.terminate();
    this.worker = null;
  }

  private get api(): Remote<TrainerApi> {
    if (!this.remote) throw new Error('The trainer worker is not running; reload the page.');
    return this.remote;
  }

  private async init(): Promise<void> {
    const r = await this.api.init(proxy((message: string) => this.messages.error(message))).catch((e: unknown) => ({ ok: false as const, error: errorText(e) }));
    if (r.ok) {
      this.adapter = r.adapter;
      this.engineStages = r.engine?.stages ?? null;
    } else {
      this.gpuError = r.error;
    }
    this.initializing = false;
    this.changed();
    await Promise.all([this.refreshCheckpoints(), this.refreshStorage()]);
  }

  /** Runs an action; a failure becomes a visible message instead of an unhandled rejection. */
  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.messages.error(`${what}: ${errorText(e)}`);
      return undefined;
    } finally {
      this.changed();
    }
  }

  /** Starts a new run, or with `resume` continues `resumable` from its step. */
  async start(settings: Settings, resume = false, post?: PostData, rl?: RlOptions): Promise<void> {
    if (this.busy || (resume && !this.resumable)) return;
    const stage = settings.stage;
    if (stage === 'sft' || stage === 'reward' || stage === 'rlhf') await this.startPost(settings, post, rl);
    else await this.startPretrain(settings, resume);
    this.runsEnded++;
    this.changed();
  }

  private async startPretrain(settings: Settings, resume: boolean): Promise<void> {
    this.runStage = 'pretrain';
    this.sftModel = '';
    this.rlModel = '';
    this.rewardReady = false;
    const from = resume ? this.resumable : null;
    this.runState = 'running';
    this.lastEnd = '';
    this.series.clear();
    this.step = from?.step ?? 0;
    this.totalSteps = settings.train.steps;
    this.phase = '';
    this.resumable = null;
    this.changed();
    const onEvents = proxy((batch: RunEvent[]) => this.onRunEvents(batch));
    const { stage, model, data, train } = settings;
    let failed = false;
    await this.attempt('Training stopped', () => this.api.startStage({ stage, model: from?.model ?? model, data, train, resume }, onEvents).catch((e: unknown) => { failed = true; throw e; }));
    const ended = this.step >= this.totalSteps;
    this.lastEnd = failed ? 'failed' : ended ? 'done' : 'stopped';
    // A run can go on (a finished one once Steps is raised); after a failure, the model it started from can.
    if (!failed && this.hasModel && this.step > 0) this.baseModel = `this tab's pretrained model (step ${this.step})`;
    if (!failed && this.hasModel && this.step > 0) this.resumable = { step: this.step, model: from?.model ?? model, from: 'this run' };
    else if (failed && from) this.resumable = from;
    this.runState = 'idle';
    this.phase = '';
    await this.refreshCheckpoints();
  }

  /** An SFT or reward run; it leaves the pretrain run's Continue as it was. */
  private async startPost(settings: Settings, post?: PostData, rl?: RlOptions): Promise<void> {
    const stage = settings.stage;
    this.runState = 'running';
    this.runStage = stage;
    this.lastEnd = '';
    this.series.clear();
    this.postMetrics = {};
    this.rlCurve = [];
    this.rollouts = [];
    this.step = 0;
    this.totalSteps = rl?.steps ?? settings.train.steps;
    this.phase = '';
    this.changed();
    const onEvents = proxy((batch: RunEvent[]) => this.onRunEvents(batch));
    const { model, data, train } = settings;
    let failed = false;
    await this.attempt('Training stopped', () => this.api.startStage({ stage, model, data, train, post, rl }, onEvents).catch((e: unknown) => { failed = true; throw e; }));
    this.lastEnd = failed ? 'failed' : this.step >= this.totalSteps ? 'done' : 'stopped';
    const trained = !failed && this.series.length > 0;
    if (stage === 'sft') { if (trained) this.sftModel = `the SFT model trained in this tab (step ${this.step})`; this.rewardReady = false; }
    else if (stage === 'rlhf') { if (trained) this.rlModel = `the ${rl?.method.toUpperCase() ?? 'RL'} model trained in this tab (step ${this.step})`; }
    else this.rewardReady ||= trained;
    this.runState = 'idle';
    this.phase = '';
    await this.refreshCheckpoints();
  }

  async previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number } | undefined> {
    return this.attempt('Could not preview the dataset', () => this.api.previewChat(data, index));
  }

  /** Two sampled replies of the SFT model to `prompt` (a user turn), for the user to compare. */
  async chatPair(settings: Settings, prompt: string): Promise<[string, string] | undefined> {
    const { temperature, topK, topP, maxTokens } = settings.sample;
    const chat = { temperature, topK, topP, maxTokens, chat: true };
    const one = () => this.api.sample(prompt, chat, proxy(() => undefined));
    return this.attempt('Sampling failed', async () => [await one(), await one()] as [string, string]);
  }

  /** `prompt` through the pretrained, SFT and RL models this session holds. */
  async compare(settings: Settings, prompt: string): Promise<CompareResult | undefined> {
    const { temperature, topK, topP, maxTokens } = settings.sample;
    return this.attempt('Comparing failed', () => this.api.compare(prompt, { temperature, topK, topP, maxTokens }));
  }

  async score(prompt: string, answer: string): Promise<number | undefined> {
    return this.attempt('Could not score the answer', () => this.api.score(prompt, answer));
  }

  private onRunEvents(batch: RunEvent[]): void {
    const steps = [];
    for (const e of batch) {
      if (e.type === 'step') {
        steps.push(e);
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
    if (batch.some((e) => e.type === 'autosaved')) void Promise.all([this.refreshCheckpoints(), this.refreshStorage()]);
    this.changed();
  }

  async pause(): Promise<void> {
    await this.attempt('Could not pause', async () => { await this.api.pause(); this.runState = 'paused'; });
  }
  async resume(): Promise<void> {
    await this.attempt('Could not resume', async () => { await this.api.resume(); this.runState = 'running'; });
  }
  async stop(): Promise<void> {
    await this.attempt('Could not stop', async () => { this.runState = 'stopping'; await this.api.stop(); });
  }

  async sample(settings: Settings): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    this.sampleText = '';
    this.changed();
    const { prompt, ...rest } = settings.sample;
    const opts = { ...rest, chat: !!this.sftModel && (settings.stage === 'sft' || settings.stage === 'reward') };
    const onText = proxy((pieces: string[]) => { this.sampleText += pieces.join(''); this.changed(); });
    const full = await this.attempt('Sampling failed', () => this.api.sample(prompt, opts, onText));
    if (full !== undefined) this.sampleText = full;
    this.sampling = false;
    this.changed();
  }

  async loadCorpusInfo(): Promise<void> {
    if (this.corpus) return;
    this.corpus = (await this.attempt('Could not read the built-in corpus', () => this.api.corpusInfo())) ?? null;
  }

  async refreshCheckpoints(): Promise<void> {
    const list = await this.attempt('Could not list checkpoints', () => this.api.listCheckpoints());
    if (list) this.checkpoints = list;
  }

  async refreshStorage(): Promise<void> {
    this.storage = (await this.attempt('Could not read storage use', () => this.api.storageEstimate())) ?? null;
    this.persisted = (await navigator.storage?.persisted?.()) ?? null;
    this.changed();
  }

  /** Asks the browser to keep this site's storage under pressure (Window-only API). */
  async requestPersist(): Promise<void> {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    this.persisted = granted;
    if (granted) this.messages.notice('The browser will keep your checkpoints even when disk space runs low.');
    else this.messages.notice('The browser declined persistent storage for now (it often grants it to installed apps or bookmarked sites). Export important checkpoints to be safe.');
    this.changed();
  }

  async renameCheckpoint(id: string, name: string): Promise<boolean> {
    const ok = await this.attempt('Could not rename', () => this.api.renameCheckpoint(id, name));
    await this.refreshCheckpoints();
    return ok !== undefined;
  }

  async deleteCheckpoint(id: string): Promise<void> {
    await this.attempt('Could not delete', () => this.api.deleteCheckpoint(id));
    await Promise.all([this.refreshCheckpoints(), this.refreshStorage()]);
  }

  /** Saves the engine's model; an empty name lets the worker call it after its step. */
  async saveCheckpoint(name: string): Promise<void> {
    await this.withJob(name ? `Saving "${name}"` : 'Saving a checkpoint', (id, onProgress) => this.api.saveCheckpoint(name, id, onProgress));
    await Promise.all([this.refreshCheckpoints(), this.refreshStorage()]);
  }

  /** Loads a checkpoint into the engine; returns what it continues with (undefined on failure). */
  async loadCheckpoint(m: CheckpointManifest): Promise<LoadedCheckpoint | undefined> {
    const info = await this.withJob(`Loading "${m.name}"`, (id, onProgress) => this.api.loadCheckpoint(m.id, id, onProgress));
    if (!info) return undefined;
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
    return info;
  }

  /** The checkpoint's bytes, for a download. */
  async exportCheckpoint(m: CheckpointManifest): Promise<Uint8Array | undefined> {
    const r = await this.withJob(`Exporting "${m.name}"`, (id, onProgress) => this.api.exportCheckpoint(m.id, id, onProgress));
    return r?.bytes;
  }

  /** Imports a file; returns an error message, or '' on success. */
  async importCheckpoint(name: string, bytes: Uint8Array): Promise<string> {
    let error = '';
    await this.withJob(`Importing "${name}"`, (id, onProgress) => this.api.importCheckpoint(name, transfer(bytes, [bytes.buffer]), id, onProgress), (e) => { error = e; });
    await Promise.all([this.refreshCheckpoints(), this.refreshStorage()]);
    return error;
  }

  cancelJob(id: string): void { void this.remote?.cancelJob(id); }

  private async withJob<T>(label: string, fn: (id: string, onProgress: (b: JobProgress[]) => void) => Promise<T>, onError?: (message: string) => void): Promise<T | undefined> {
    const job: JobState = { id: `job-${++this.jobCounter}`, label, done: 0, total: 0 };
    this.jobs = [...this.jobs, job];
    this.changed();
    const onProgress = proxy((batch: JobProgress[]) => {
      const lastP = batch[batch.length - 1];
      if (lastP) { job.done = lastP.done; job.total = lastP.total; this.changed(); }
    });
    try {
      return await fn(job.id, onProgress);
    } catch (e) {
      if (onError) onError(errorText(e));
      else this.messages.error(`${label} failed: ${errorText(e)}`);
      return undefined;
    } finally {
      this.jobs = this.jobs.filter((j) => j !== job);
      this.changed();
    }
  }

  /** Schedules one notification for the next animation frame. */
  changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const l of this.listeners) l();
    });
  }
}
