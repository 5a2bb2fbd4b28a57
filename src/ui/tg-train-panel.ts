// <tg-train-panel>: the stage's hyperparameters and the run controls (start, continue from a
// loaded checkpoint or a stopped run, pause, resume, stop, save a checkpoint), with the run's
// progress bar. Hyperparameter edits go up as 'train-change' {train, problem}; run actions go to
// the TrainerController directly.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { TRAIN_FIELDS, type TrainKey } from '../share/schema';
import type { ModelConfig } from '../model/config';
import { type Settings, type TrainSettings, trainProblems } from '../share/settings';
import { draftOf, numberField, parseDraft } from './number-fields';
import { STAGE_INFO } from './stages';
import { panelStyles } from './styles';
import type { RunEnd, TrainerController } from './trainer-controller';
import { UseTrainer } from './trainer-context';
import './tg-progress';

export interface TrainChange { train: TrainSettings | null; problem: string }

const LABELS: Record<TrainKey, string> = {
  lr: 'Learning rate', steps: 'Steps', batch: 'Batch size', warmup: 'Warm-up steps',
  weightDecay: 'Weight decay', gradClip: 'Gradient clip', seed: 'Seed', evalEvery: 'Validate every',
};

const END_TEXT: Record<RunEnd, string> = { '': 'loaded', done: 'finished', stopped: 'stopped', failed: 'failed' };

const sameModel = (a: ModelConfig, b: ModelConfig) => (Object.keys(a) as (keyof ModelConfig)[]).every((k) => a[k] === b[k]);

const HINTS: Partial<Record<TrainKey, string>> = {
  lr: 'Peak learning rate, reached at the end of warm-up.',
  gradClip: 'Clip the global gradient norm to this value; 0 turns clipping off.',
  evalEvery: 'Measure validation loss every this many steps.',
};

@customElement('tg-train-panel')
export class TgTrainPanel extends LitElement {
  static override styles = [panelStyles, css`
    .controls { margin-top: 1rem; }
    .engine { margin: 0.5rem 0 0; }
  `];

  @property({ attribute: false }) settings!: Settings;
  /** Problems elsewhere (model, data) that block a start. */
  @property({ attribute: false }) blockers: string[] = [];
  @state() private draft: Record<string, string> = {};
  @state() private problem = '';
  private shown: TrainSettings | null = null;
  private trainer = new UseTrainer(this);

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('settings') && this.settings.train !== this.shown) {
      this.shown = this.settings.train;
      this.draft = draftOf(this.settings.train);
      this.problem = '';
    }
  }

  override render() {
    const t = this.trainer.value;
    const busy = t?.run.busy ?? false;
    const info = STAGE_INFO[this.settings.stage];
    const reasons = [...(this.problem ? [this.problem] : []), ...this.blockers];
    if (t?.connection.gpuError) reasons.push('WebGPU is not available (see the GPU panel).');
    const canStart = !!t && !t.connection.initializing && !busy && reasons.length === 0;
    const resumable = busy ? null : t?.run.resumable ?? null;
    return html`
      <section class="panel" aria-labelledby="train-h">
        <h2 id="train-h">${info.label} run
          ${t && !t.connection.initializing && !t.connection.engineConnected ? html`<span class="badge warn" data-testid="engine-status">engine not connected</span>` : nothing}
        </h2>
        <div class="fields">
          ${(Object.keys(TRAIN_FIELDS) as TrainKey[]).map((k) => numberField(k, LABELS[k], TRAIN_FIELDS[k], this.draft[k] ?? '', busy, (raw) => this.edit(k, raw), HINTS[k]))}
        </div>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
        <div class="controls row">
          ${resumable && t ? this.continueButton(t, canStart) : nothing}
          <button class=${resumable ? '' : 'primary'} data-testid="start" ?disabled=${!canStart} @click=${() => t?.run.start(this.settings)}>
            ${resumable ? 'Start over' : `Start ${info.label.toLowerCase()}`}</button>
          ${t?.run.runState === 'paused'
            ? html`<button @click=${() => t.run.resume()}>Resume</button>`
            : html`<button ?disabled=${t?.run.runState !== 'running'} @click=${() => t?.run.pause()}>Pause</button>`}
          <button ?disabled=${!busy || t?.run.runState === 'stopping'} @click=${() => t?.run.stop()}>Stop</button>
          <button ?disabled=${!t?.connection.engineConnected} @click=${this.save}>Save checkpoint</button>
        </div>
        ${reasons.length && !busy ? html`<p class="muted">Start needs: ${reasons.join(' ')}</p>` : nothing}
        ${t && !t.connection.initializing && !t.connection.engineConnected ? html`<p class="muted engine">The training engine is not part of this build yet: Start reports that instead of training.</p>` : nothing}
        ${resumable && t ? html`<p class="muted">${this.continueProblem(t) || `Continue trains ${resumable.from} further from step ${resumable.step}; Start over trains a new model.`}</p>` : nothing}
        ${t && t.run.totalSteps > 0 && (busy || t.run.step > 0) ? html`<tg-progress data-testid="run-progress" data-step=${t.run.step} label=${`Step ${t.run.step} of ${t.run.totalSteps}`}
          .value=${t.run.step} .max=${t.run.totalSteps} detail=${this.detail(t)}></tg-progress>` : nothing}
      </section>
    `;
  }

  /** The run's state after its numbers; "paused" only once the engine says where it holds. */
  private detail(t: TrainerController): string {
    if (t.run.runState === 'paused') return t.run.phase === 'paused' ? 'paused' : 'pausing after this step…';
    return t.run.busy ? t.run.phase : END_TEXT[t.run.lastEnd];
  }

  private continueButton(t: TrainerController, canStart: boolean) {
    return html`<button class="primary" data-testid="continue" ?disabled=${!canStart || !!this.continueProblem(t)}
      @click=${() => t.run.start(this.settings, true)}>Continue from step ${t.run.resumable?.step ?? 0}</button>`;
  }

  /** Why Continue cannot run with the current settings ('' when it can). */
  private continueProblem(t: TrainerController): string {
    const r = t.run.resumable;
    if (!r) return '';
    if (!sameModel(r.model, this.settings.model)) return `The model settings no longer match ${r.from}: Start over trains this new model, or load the checkpoint again to continue it.`;
    if (this.settings.train.steps <= r.step) return `Set Steps above ${r.step} to continue ${r.from}.`;
    return '';
  }

  private edit(k: TrainKey, raw: string) {
    this.draft = { ...this.draft, [k]: raw };
    const r = parseDraft(TRAIN_FIELDS, LABELS, this.draft);
    let train: TrainSettings | null = null;
    if ('error' in r) this.problem = r.error;
    else {
      train = r.values as unknown as TrainSettings;
      this.problem = trainProblems(train)[0] ?? '';
      if (this.problem) train = null;
    }
    if (train) this.shown = train;
    this.dispatchEvent(new CustomEvent<TrainChange>('train-change', { detail: { train, problem: this.problem }, bubbles: true, composed: true }));
  }

  private save() {
    void this.trainer.value?.checkpoints.save('');
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-train-panel': TgTrainPanel }
}
