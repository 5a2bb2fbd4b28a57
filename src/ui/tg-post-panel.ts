// <tg-post-panel>: one post-training stage (SFT or reward): which model it starts from, its
// dataset (<tg-chat-dataset>), its own few settings (steps, learning rate, batch, evaluation), the
// run controls and the numbers the run reports (held-out exact match; pairwise accuracy and
// margin). Runs go through the TrainerController with the page's other settings unchanged.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Settings, taskCorpus } from '../share/settings';
import type { PostData, PostMetrics } from '../worker/engine-bridge';
import { listPreferences, preferencesJsonl } from './preferences';
import { panelStyles } from './styles';
import type { TrainerController } from './trainer-controller';
import { UseTrainer } from './trainer-context';
import type { DatasetChange } from './tg-chat-dataset';
import './tg-chat-dataset';
import './tg-progress';

type Key = 'steps' | 'lr' | 'batch' | 'evalEvery' | 'evalCount';
interface Field { label: string; min: number; max: number; int: boolean }

const FIELDS: Record<Key, Field> = {
  steps: { label: 'Steps', min: 1, max: 100_000, int: true },
  lr: { label: 'Learning rate', min: 1e-6, max: 1, int: false },
  batch: { label: 'Batch size', min: 1, max: 256, int: true },
  evalEvery: { label: 'Evaluate every (0: never)', min: 0, max: 100_000, int: true },
  evalCount: { label: 'Held-out items', min: 0, max: 1000, int: true },
};

const DEFAULTS: Record<'sft' | 'reward', Record<Key, number>> = {
  sft: { steps: 200, lr: 1e-3, batch: 8, evalEvery: 50, evalCount: 20 },
  reward: { steps: 200, lr: 1e-3, batch: 8, evalEvery: 50, evalCount: 64 },
};

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(3));

@customElement('tg-post-panel')
export class TgPostPanel extends LitElement {
  static override styles = [panelStyles, css`
    :host([hidden]) { display: none; }
    .controls { margin-top: 1rem; }
    .metrics { display: flex; gap: 1.25rem; flex-wrap: wrap; margin-top: 0.75rem; }
    .metrics b { font-variant-numeric: tabular-nums; }
    tg-chat-dataset { margin: 0.75rem 0; }
  `];

  @property() stage: 'sft' | 'reward' = 'sft';
  @property({ attribute: false }) settings!: Settings;
  @state() private draft: Record<Key, string> | null = null;
  @state() private chosen: DatasetChange = { data: { source: 'builtin', jsonl: '' }, problem: '' };
  /** Reward stage: add the answers the user picked (<tg-preference-capture>) to the pairs. */
  @state() private withPicks = true;
  private trainer = new UseTrainer(this);

  private values(): { values: Record<Key, number>; problem: string } {
    const d = this.draft ?? this.defaults();
    const values = {} as Record<Key, number>;
    for (const k of Object.keys(FIELDS) as Key[]) {
      const f = FIELDS[k], v = Number(d[k]);
      if (d[k].trim() === '' || !Number.isFinite(v) || v < f.min || v > f.max || (f.int && !Number.isInteger(v))) {
        return { values, problem: `${f.label} must be ${f.int ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}.` };
      }
      values[k] = v;
    }
    return { values, problem: '' };
  }

  private defaults(): Record<Key, string> {
    return Object.fromEntries(Object.entries(DEFAULTS[this.stage]).map(([k, v]) => [k, String(v)])) as Record<Key, string>;
  }

  override render() {
    const t = this.trainer.value;
    const sft = this.stage === 'sft';
    const mine = t?.run.runStage === this.stage;
    const busy = t?.run.busy ?? false;
    const d = this.draft ?? this.defaults();
    const { problem } = this.values();
    const base = sft ? t?.run.baseModel : t?.run.sftModel;
    const reasons = [problem, this.chosen.problem, base ? '' : sft ? 'a pretrained model (train one or load a checkpoint).' : 'an SFT model (run SFT first).'].filter(Boolean);
    const canStart = !!t && !busy && reasons.length === 0;
    const m = mine ? t.run.postMetrics : {};
    return html`
      <section class="panel" aria-labelledby=${`${this.stage}-h`}>
        <h2 id=${`${this.stage}-h`}>${sft ? 'Supervised fine-tuning' : 'Reward model'}</h2>
        <p data-testid=${`${this.stage}-base`}>${base ? html`Starts from ${base}.` : html`<span class="muted">Needs ${reasons[reasons.length - 1]}</span>`}</p>
        <tg-chat-dataset stage=${this.stage} corpus=${taskCorpus(this.settings.data)} ?canPreview=${!!t?.run.baseModel} ?disabled=${busy} @dataset-change=${(e: CustomEvent<DatasetChange>) => { this.chosen = e.detail; }}></tg-chat-dataset>
        ${sft ? nothing : html`<label class="check"><input type="checkbox" name="with-picks" .checked=${this.withPicks} ?disabled=${busy}
          @change=${(e: Event) => { this.withPicks = (e.target as HTMLInputElement).checked; }}> Also train on the answers you picked (below)</label>`}
        <div class="fields">
          ${(Object.keys(FIELDS) as Key[]).map((k) => html`<label class="field">${k === 'evalCount' ? (sft ? 'Exact-match questions' : 'Held-out pairs') : FIELDS[k].label}
            <input name=${`${this.stage}-${k}`} inputmode="decimal" .value=${d[k]} ?disabled=${busy}
              @input=${(e: Event) => { this.draft = { ...d, [k]: (e.target as HTMLInputElement).value }; }}></label>`)}
        </div>
        <div class="controls row">
          <button class="primary" data-testid=${`${this.stage}-start`} ?disabled=${!canStart} @click=${this.start}>Start ${sft ? 'SFT' : 'reward training'}</button>
          ${t?.run.runState === 'paused' && mine
            ? html`<button @click=${() => t.run.resume()}>Resume</button>`
            : html`<button ?disabled=${!mine || t?.run.runState !== 'running'} @click=${() => t?.run.pause()}>Pause</button>`}
          <button data-testid=${`${this.stage}-stop`} ?disabled=${!busy || !mine || t?.run.runState === 'stopping'} @click=${() => t?.run.stop()}>Stop</button>
          <button ?disabled=${!mine || !t?.connection.engineConnected} @click=${() => void t?.checkpoints.save('')}>Save checkpoint</button>
        </div>
        ${reasons.length && !busy ? html`<p class="muted">Start needs: ${reasons.join(' ')}</p>` : nothing}
        ${t && mine && t.run.totalSteps > 0 && (busy || t.run.step > 0) ? html`<tg-progress data-testid=${`${this.stage}-progress`} data-step=${t.run.step}
          label=${`Step ${t.run.step} of ${t.run.totalSteps}`} .value=${t.run.step} .max=${t.run.totalSteps} detail=${this.detail(t)}></tg-progress>` : nothing}
        ${mine ? this.metrics(m, sft) : nothing}
      </section>
    `;
  }

  private metrics(m: PostMetrics, sft: boolean) {
    return sft
      ? html`<div class="metrics"><span>Held-out exact match: <b data-testid="exact-match">${pct(m.exactMatch)}</b></span></div>`
      : html`<div class="metrics">
          <span>Batch accuracy: <b data-testid="pair-accuracy">${pct(m.accuracy)}</b></span>
          <span>Batch margin: <b>${num(m.margin)}</b></span>
          <span>Held-out accuracy: <b data-testid="heldout-accuracy">${pct(m.heldoutAccuracy)}</b></span>
          <span>Held-out margin: <b>${num(m.heldoutMargin)}</b></span></div>`;
  }

  private detail(t: TrainerController): string {
    if (t.run.runState === 'paused') return t.run.phase === 'paused' ? 'paused' : 'pausing after this step…';
    return t.run.busy ? t.run.phase : t.run.lastEnd === 'done' ? 'finished' : t.run.lastEnd;
  }

  private start = async () => {
    const t = this.trainer.value;
    const { values, problem } = this.values();
    if (!t || problem) return;
    const train = { ...this.settings.train, steps: values.steps, lr: values.lr, batch: values.batch, evalEvery: values.evalEvery, warmup: Math.min(this.settings.train.warmup, values.steps) };
    const captured = this.stage === 'reward' && this.withPicks ? preferencesJsonl(await listPreferences()) : '';
    const post: PostData = { ...this.chosen.data, evalCount: values.evalCount, captured };
    void t.run.start({ ...this.settings, stage: this.stage, train }, false, post);
  };
}

declare global {
  interface HTMLElementTagNameMap { 'tg-post-panel': TgPostPanel }
}
