// <tg-model-panel>: preset and model fields, with limits from the share schema and the engine's
// own makeConfig as the judge of consistency. Shows the parameter count and training memory.
// Edits live in a local draft; a valid config goes up as 'model-change' {model, problem, preset},
// an invalid one as {model: null, problem} so the app can disable Start and say why.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { formatBytes } from '../util/format';
import { ConfigError, type ModelConfig, makeConfig } from '../model/config';
import { countParams } from '../model/params';
import { formatCount } from '../share/describe';
import { MODEL_FIELDS, type ModelKey, parseValue } from '../share/schema';
import { FIXED_VOCAB, PRESET_NAMES, type PresetName, type Settings, presetModel } from '../share/settings';
import { panelStyles } from './styles';

export interface ModelChange { model: ModelConfig | null; problem: string; preset?: PresetName }

const LABELS: Record<ModelKey, string> = {
  vocabSize: 'Vocabulary', nLayer: 'Layers', nHead: 'Heads', nKvHead: 'KV heads', dModel: 'Width (d_model)',
  contextLength: 'Context length', norm: 'Norm', positions: 'Positions', mlp: 'MLP',
  tiedEmbeddings: 'Tie input and output embeddings', bias: 'Biases',
};

type Draft = Record<ModelKey, string | boolean>;

function draftOf(m: ModelConfig): Draft {
  const d = {} as Draft;
  for (const k of Object.keys(MODEL_FIELDS) as ModelKey[]) d[k] = typeof m[k] === 'boolean' ? m[k] : String(m[k]);
  return d;
}

@customElement('tg-model-panel')
export class TgModelPanel extends LitElement {
  static override styles = [panelStyles, css`
    .summary { margin-top: 0.9rem; display: flex; gap: 1.5rem; flex-wrap: wrap; }
    .summary strong { font-size: 1.3rem; display: block; }
    .checks { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 0.6rem; }
  `];

  @property({ attribute: false }) settings!: Settings;
  @property({ type: Boolean }) disabled = false;
  @state() private draft: Draft | null = null;
  @state() private problem = '';
  private shown: ModelConfig | null = null;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('settings') && this.settings.model !== this.shown) {
      this.shown = this.settings.model;
      this.draft = draftOf(this.settings.model);
      this.problem = '';
    }
  }

  override render() {
    const d = this.draft;
    if (!d) return nothing;
    const fixedVocab = FIXED_VOCAB[this.settings.data.tokenizer];
    const model = this.problem ? null : this.settings.model;
    const params = model ? countParams(model) : null;
    return html`
      <section class="panel" aria-labelledby="model-h">
        <h2 id="model-h">Model <small>GPT, decoder only</small></h2>
        <div class="fields">
          <label class="field">Preset
            <select name="preset" ?disabled=${this.disabled} @change=${this.onPreset}>
              ${PRESET_NAMES.map((p) => html`<option value=${p} .selected=${live(p === this.settings.preset)}>${p}</option>`)}
            </select>
          </label>
          ${(['nLayer', 'nHead', 'nKvHead', 'dModel', 'contextLength', 'vocabSize'] as const).map((k) => this.numberField(k, d, k === 'vocabSize' && fixedVocab !== undefined))}
          ${this.selectField('norm', ['layernorm', 'rmsnorm'], d)}
          ${this.selectField('positions', ['learned', 'rope'], d)}
          ${this.selectField('mlp', ['gelu', 'swiglu'], d)}
        </div>
        <div class="checks">
          ${(['tiedEmbeddings', 'bias'] as const).map((k) => html`
            <label class="check"><input type="checkbox" name=${k} .checked=${d[k] === true} ?disabled=${this.disabled}
              @change=${(e: Event) => this.edit(k, (e.target as HTMLInputElement).checked)}>${LABELS[k]}</label>`)}
        </div>
        ${fixedVocab !== undefined ? html`<p class="muted">The ${this.settings.data.tokenizer} tokenizer fixes the vocabulary at ${fixedVocab}.</p>` : nothing}
        ${this.problem ? html`<p class="error" role="alert" id="model-problem">${this.problem}</p>` : nothing}
        <div class="summary" aria-live="polite">
          <div><span class="muted">Parameters</span><strong class="stat" data-testid="param-count">${params === null ? '—' : formatCount(params)}</strong>
            <span class="muted stat">${params === null ? '' : params.toLocaleString('en-US')}</span></div>
          <div><span class="muted">Weights + gradients + Adam state</span><strong class="stat">${params === null ? '—' : formatBytes(params * 16)}</strong>
            <span class="muted">activations come on top</span></div>
        </div>
      </section>
    `;
  }

  private numberField(k: ModelKey, d: Draft, fixed: boolean) {
    const spec = MODEL_FIELDS[k];
    if (spec.kind !== 'int') return nothing;
    return html`<label class="field">${LABELS[k]}
      <input type="number" name=${k} inputmode="numeric" min=${spec.min} max=${spec.max} step="1" required
        .value=${String(d[k])} ?disabled=${this.disabled || fixed}
        @input=${(e: Event) => this.edit(k, (e.target as HTMLInputElement).value)}>
    </label>`;
  }

  private selectField(k: ModelKey, values: readonly string[], d: Draft) {
    return html`<label class="field">${LABELS[k]}
      <select name=${k} ?disabled=${this.disabled} @change=${(e: Event) => this.edit(k, (e.target as HTMLSelectElement).value)}>
        ${values.map((v) => html`<option value=${v} .selected=${live(v === d[k])}>${v}</option>`)}
      </select>
    </label>`;
  }

  private onPreset(e: Event) {
    const preset = (e.target as HTMLSelectElement).value as PresetName;
    this.emit({ model: presetModel(preset, this.settings.data.tokenizer), problem: '', preset });
  }

  private edit(k: ModelKey, value: string | boolean) {
    if (!this.draft) return;
    const draft = { ...this.draft, [k]: value };
    // Keep plain multi-head attention when the head count changes, unless KV heads were chosen apart.
    if (k === 'nHead' && this.draft.nKvHead === this.draft.nHead) draft.nKvHead = value;
    this.draft = draft;
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(MODEL_FIELDS) as ModelKey[]) {
      const raw = draft[key];
      if (typeof raw === 'boolean') { values[key] = raw; continue; }
      const parsed = parseValue(LABELS[key], MODEL_FIELDS[key], raw);
      if ('error' in parsed) return this.fail(parsed.error);
      values[key] = parsed.value;
    }
    try {
      const model = makeConfig({ ...this.settings.model, mlpHidden: undefined }, values);
      this.problem = '';
      this.shown = model;
      this.emit({ model, problem: '' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.fail(err.message);
    }
  }

  private fail(problem: string) {
    this.problem = problem;
    this.emit({ model: null, problem });
  }

  private emit(detail: ModelChange) {
    this.dispatchEvent(new CustomEvent<ModelChange>('model-change', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-model-panel': TgModelPanel }
}
