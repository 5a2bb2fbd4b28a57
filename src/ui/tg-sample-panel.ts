// <tg-sample-panel>: prompt and decoding settings, and the streamed output. Settings go up as
// 'sample-change' {sample, problem}; Generate calls the TrainerController. The output is a text
// binding, so whatever the model writes is shown as text, never as markup.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { MAX_PROMPT, SAMPLE_FIELDS, type SampleKey } from '../share/schema';
import type { SampleSettings, Settings } from '../share/settings';
import { draftOf, numberField, parseDraft } from './number-fields';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

export interface SampleChange { sample: SampleSettings | null; problem: string }

const { temperature, topK, topP, maxTokens } = SAMPLE_FIELDS;
const NUMERIC = { temperature, topK, topP, maxTokens };
const LABELS: Record<SampleKey, string> = { prompt: 'Prompt', temperature: 'Temperature', topK: 'Top-k', topP: 'Top-p', maxTokens: 'Length (tokens)' };
const HINTS: Partial<Record<SampleKey, string>> = {
  temperature: '0 picks the most likely token every time.',
  topK: 'Sample only from the k most likely tokens; 0 turns the cut off.',
  topP: 'Sample only from the smallest set of tokens whose probability adds up to p.',
};

@customElement('tg-sample-panel')
export class TgSamplePanel extends LitElement {
  static override styles = [panelStyles, css`
    textarea { min-height: 3.5rem; }
    .fields { margin-top: 0.6rem; }
    .out { min-height: 4rem; }
  `];

  @property({ attribute: false }) settings!: Settings;
  @state() private draft: Record<string, string> = {};
  @state() private problem = '';
  private shown: SampleSettings | null = null;
  private trainer = new UseTrainer(this);

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('settings') && this.settings.sample !== this.shown) {
      this.shown = this.settings.sample;
      this.draft = draftOf(this.settings.sample);
      this.problem = '';
    }
  }

  override render() {
    const t = this.trainer.value;
    return html`
      <section class="panel" aria-labelledby="sample-h">
        <h2 id="sample-h">Sample</h2>
        <label class="field">${LABELS.prompt}
          <textarea name="prompt" maxlength=${MAX_PROMPT} .value=${this.draft.prompt ?? ''}
            @input=${(e: Event) => this.edit('prompt', (e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        <div class="fields">
          ${(Object.keys(NUMERIC) as SampleKey[]).map((k) => numberField(k, LABELS[k], SAMPLE_FIELDS[k], this.draft[k] ?? '', false, (raw) => this.edit(k, raw), HINTS[k]))}
        </div>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
        <div class="row" style="margin-top: 0.75rem">
          <button class="primary" data-testid="generate" ?disabled=${!t || t.run.sampling || !!this.problem || !t.connection.engineConnected || !t.run.hasModel} @click=${() => t?.run.sample(this.settings)}>
            ${t?.run.sampling ? 'Generating…' : 'Generate'}</button>
          ${t && !t.connection.initializing && !t.connection.engineConnected ? html`<span class="muted">Sampling needs the training engine.</span>`
            : t && !t.run.hasModel ? html`<span class="muted">Train a model (Start) or load a checkpoint, then generate text from it.</span>`
            : t?.run.busy ? html`<span class="muted">During a run, generating holds training for a moment.</span>` : nothing}
        </div>
        <pre class="text out" aria-live="polite" aria-label="Generated text" data-testid="sample-output">${t?.run.sampleText ?? ''}</pre>
      </section>
    `;
  }

  private edit(k: SampleKey, raw: string) {
    this.draft = { ...this.draft, [k]: raw };
    const r = parseDraft(NUMERIC, LABELS, this.draft);
    let sample: SampleSettings | null = null;
    if ('error' in r) this.problem = r.error;
    else {
      this.problem = '';
      sample = { ...(r.values as Omit<SampleSettings, 'prompt'>), prompt: this.draft.prompt ?? '' };
      this.shown = sample;
    }
    this.dispatchEvent(new CustomEvent<SampleChange>('sample-change', { detail: { sample, problem: this.problem }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-sample-panel': TgSamplePanel }
}
