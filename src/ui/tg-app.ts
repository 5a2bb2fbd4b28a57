// <tg-app>: the whole page. Owns the user's Settings and the one TrainerController (provided to
// every panel through @lit/context), applies share links from the URL fragment, copies links,
// shows messages and the "new version" prompt, and lays the panels out for the chosen stage.
import { provide } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { makeConfig } from '../model/config';
import { applyLink, settingsToLink } from '../share/apply';
import { encodeFragment, parseFragment } from '../share/codec';
import { TRAIN_FIELDS, type TrainKey, parseValue } from '../share/schema';
import { type DataSettings, FIXED_VOCAB, type Settings, type StageId, corpusPrompt, defaultSettings } from '../share/settings';
import { corpusInfo } from '../data/corpora';
import type { LoadedCheckpoint } from '../worker/engine-bridge';
import { panelStyles } from './styles';
import { TrainerController } from './trainer-controller';
import { trainerContext } from './trainer-context';
import type { ModelChange } from './tg-model-panel';
import type { SampleChange } from './tg-sample-panel';
import type { TrainChange } from './tg-train-panel';
import './tg-adapter-panel';
import './tg-checkpoints-panel';
import './tg-data-panel';
import './tg-loss-chart';
import './tg-messages';
import './tg-model-panel';
import './tg-post-panel';
import './tg-rlhf-panel';
import './tg-rl-chart';
import './tg-compare-panel';
import './tg-preference-capture';
import './tg-reward-score';
import './tg-sample-panel';
import './tg-stage-rail';
import './tg-train-panel';
import type { RlLine } from './tg-rl-chart';

/** The second RL chart: how the update itself behaves. */
const RL_DETAIL: RlLine[] = [
  { key: 'clipFrac', label: 'clip fraction', color: '--tg-chart-train', testid: 'rl-chart-clip' },
  { key: 'length', label: 'response length', color: '--tg-chart-val', testid: 'rl-chart-length' },
  { key: 'valueLoss', label: 'value loss (PPO)', color: '--tg-chart-lr', testid: 'rl-chart-value' },
];

/** A BPE vocabulary to start from when leaving a tokenizer with a fixed vocabulary. */
const DEFAULT_BPE_VOCAB = 512;

@customElement('tg-app')
export class TgApp extends LitElement {
  static override styles = [panelStyles, css`
    :host { display: block; }
    header { display: flex; gap: 1rem; align-items: center; justify-content: space-between; flex-wrap: wrap; padding: 0.75rem 1rem; border-bottom: 1px solid var(--tg-border); background: var(--tg-card); }
    header h1 { margin: 0; font-size: 1.35rem; }
    header p { margin: 0; color: var(--tg-muted); font-size: 0.9rem; }
    main { max-width: 1280px; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem; }
    .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); align-items: start; }
    .wide { grid-column: 1 / -1; }
    .banner { border: 1px solid var(--tg-accent); background: var(--tg-accent-bg); border-radius: var(--tg-radius); padding: 0.6rem 0.8rem; }
    .linkbox input { font-family: var(--tg-mono); font-size: 0.8rem; }
    @media (max-width: 600px) { main { padding: 0.5rem; gap: 0.75rem; } header { padding: 0.6rem 0.75rem; } }
  `];

  /** Set by main.ts when the service worker has a new version waiting. */
  @property({ type: Boolean }) updateReady = false;
  /** Set by main.ts: activates the waiting version and reloads (only ever on the user's click). */
  @property({ attribute: false }) applyUpdate: (() => Promise<void>) | null = null;

  @provide({ context: trainerContext }) trainer = new TrainerController(this);
  @state() private settings: Settings = defaultSettings();
  @state() private problems: Record<'model' | 'train' | 'sample', string> = { model: '', train: '', sample: '' };
  @state() private linkFallback = '';

  constructor() {
    super();
    this.trainer.subscribe(() => this.requestUpdate());
  }

  /** The run counter as attributes, set with the render that shows the run's end: tests wait
   *  for data-runs-ended to pass the count they read before pressing Start. */
  protected override updated(): void {
    this.dataset.runsEnded = String(this.trainer.run.runsEnded);
    this.dataset.runEnd = this.trainer.run.lastEnd;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    window.addEventListener('error', this.onWindowError);
    window.addEventListener('unhandledrejection', this.onRejection);
    this.onHash();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    window.removeEventListener('error', this.onWindowError);
    window.removeEventListener('unhandledrejection', this.onRejection);
  }

  override render() {
    const t = this.trainer;
    const s = this.settings;
    // SFT needs a pretrained model, the reward model and RL an SFT one.
    const ready: Record<StageId, boolean> = { data: true, pretrain: true, sft: t.run.hasModel, reward: !!t.run.sftModel, rlhf: !!t.run.sftModel };
    const available: StageId[] = ['data', ...(t.connection.engineStages ?? ['pretrain']).filter((id) => ready[id])];
    const post = s.stage === 'sft' || s.stage === 'reward';
    return html`
      <header>
        <div><h1>TabGPT</h1><p>Train a small GPT in this tab, on your own GPU. Nothing leaves your device.</p></div>
        <div class="row">
          <button @click=${this.copyLink} data-testid="copy-link">Copy link to these settings</button>
        </div>
      </header>
      <main>
        ${this.updateReady ? html`<div class="banner row" role="status" data-testid="update-banner">
          <span>A new version of TabGPT is ready.</span>
          <button class="primary" ?disabled=${t.run.busy} @click=${() => void this.applyUpdate?.()}>Reload to update</button>
          ${t.run.busy ? html`<span class="muted">Finish or stop the run first; the page never reloads by itself.</span>` : nothing}
        </div>` : nothing}
        ${this.linkFallback ? html`<div class="banner linkbox" role="status">
          <label class="field">The clipboard is not available here; copy this link by hand:
            <input readonly .value=${this.linkFallback} @focus=${(e: Event) => (e.target as HTMLInputElement).select()}></label>
          <button @click=${() => { this.linkFallback = ''; }}>Done</button>
        </div>` : nothing}
        <tg-messages .messages=${t.messages.list} @dismiss=${(e: CustomEvent<number>) => t.messages.dismiss(e.detail)}></tg-messages>
        <tg-stage-rail .stage=${s.stage} .available=${available} .built=${t.connection.engineStages ?? ['pretrain']} @stage-change=${this.onStage}></tg-stage-rail>
        ${s.stage === 'data' ? html`
          <tg-data-panel .data=${s.data} .corpus=${t.connection.corpora.get(s.data.corpus) ?? null} .corpusError=${t.connection.corpusErrors.get(s.data.corpus) ?? ''}
            ?disabled=${t.run.busy} @data-change=${this.onData} @corpus-retry=${() => this.loadCorpus()}></tg-data-panel>`
        : s.stage === 'rlhf' ? html`<div class="grid">
            <tg-rlhf-panel class="wide" .settings=${s}></tg-rlhf-panel>
            <tg-rl-chart class="wide" .points=${t.run.rlCurve}></tg-rl-chart>
            <tg-rl-chart class="wide" heading="Value loss, clip fraction and response length" .points=${t.run.rlCurve} .lines=${RL_DETAIL}></tg-rl-chart>
            <tg-loss-chart class="wide" .series=${t.run.series} .version=${t.run.series.version}></tg-loss-chart>
            <tg-compare-panel class="wide" .settings=${s}></tg-compare-panel>
          </div>`
        : post ? html`<div class="grid">
            <tg-post-panel class="wide" stage="sft" ?hidden=${s.stage !== 'sft'} .settings=${s}></tg-post-panel>
            <tg-post-panel class="wide" stage="reward" ?hidden=${s.stage !== 'reward'} .settings=${s}></tg-post-panel>
            <tg-loss-chart class="wide" .series=${t.run.series} .version=${t.run.series.version}></tg-loss-chart>
            ${s.stage === 'sft' ? html`<tg-sample-panel class="wide" .settings=${s} @sample-change=${this.onSample}></tg-sample-panel>`
              : html`<tg-preference-capture class="wide" .settings=${s}></tg-preference-capture><tg-reward-score class="wide"></tg-reward-score>`}
          </div>`
        : html`<div class="grid">
            <tg-model-panel .settings=${s} ?disabled=${t.run.busy} @model-change=${this.onModel}></tg-model-panel>
            <tg-train-panel .settings=${s} .blockers=${this.blockers()} @train-change=${this.onTrain}></tg-train-panel>
            <tg-loss-chart class="wide" .series=${t.run.series} .version=${t.run.series.version}></tg-loss-chart>
            <tg-sample-panel class="wide" .settings=${s} @sample-change=${this.onSample}></tg-sample-panel>
          </div>`}
        <div class="grid">
          <tg-adapter-panel></tg-adapter-panel>
          <tg-checkpoints-panel @checkpoint-loaded=${this.onLoaded}></tg-checkpoints-panel>
        </div>
      </main>
    `;
  }

  /** Problems outside the training panel that keep Start disabled. */
  private blockers(): string[] {
    const out: string[] = [];
    if (this.problems.model) out.push(`Fix the model: ${this.problems.model}`);
    if (this.problems.sample) out.push(`Fix the sampling settings: ${this.problems.sample}`);
    const d = this.settings.data;
    if (d.source !== 'builtin' && d.text.trim().length === 0) out.push('Add training text on the Data stage (paste it or load a .txt file).');
    return out;
  }

  private onHash = () => {
    const parsed = parseFragment(location.hash);
    if (parsed.ok && Object.keys(parsed.link).length === 0) return;
    const result = parsed.ok ? applyLink(this.settings, parsed.link) : parsed;
    if (!result.ok) {
      this.trainer.messages.error("This link's settings were not applied, because:", result.errors);
      return;
    }
    if (this.trainer.run.busy) {
      this.trainer.messages.error("A run is in progress, so this link's settings were not applied. Stop the run, then open the link again.");
      return;
    }
    this.settings = result.settings;
    this.problems = { model: '', train: '', sample: '' };
    this.trainer.messages.notice('Settings loaded from the link. Nothing runs until you press Start.');
    if (this.settings.stage === 'data') this.loadCorpus();
  };

  /** Reads the chosen built-in corpus for the Data stage (once; again after a failure). A char
   *  tokenizer needs a vocabulary of at least the corpus's distinct characters (the engine would
   *  grow it anyway), so the model shows that size once it is known. */
  private loadCorpus() {
    const { source, corpus } = this.settings.data;
    if (source !== 'builtin') return;
    void this.trainer.connection.loadCorpus(corpus).then(() => {
      const distinct = this.trainer.connection.corpora.get(corpus)?.distinctChars;
      const { data, model } = this.settings;
      if (distinct && data.source === 'builtin' && data.corpus === corpus && data.tokenizer === 'char' && model.vocabSize < distinct)
        this.settings = { ...this.settings, model: makeConfig({ ...model }, { vocabSize: distinct }) };
    });
  }

  private onWindowError = (e: ErrorEvent) => { this.trainer.messages.error(`Something went wrong: ${e.message}`); };
  private onRejection = (e: PromiseRejectionEvent) => {
    const r: unknown = e.reason;
    this.trainer.messages.error(`Something went wrong: ${r instanceof Error ? r.message : String(r)}`);
  };

  private onStage(e: CustomEvent<StageId>) {
    this.settings = { ...this.settings, stage: e.detail };
    if (e.detail === 'data') this.loadCorpus();
  }

  private onModel(e: CustomEvent<ModelChange>) {
    const { model, problem, preset } = e.detail;
    this.problems = { ...this.problems, model: problem };
    if (model) this.settings = { ...this.settings, model, preset: preset ?? this.settings.preset };
  }

  private onTrain(e: CustomEvent<TrainChange>) {
    this.problems = { ...this.problems, train: e.detail.problem };
    if (e.detail.train) this.settings = { ...this.settings, train: e.detail.train };
  }

  private onSample(e: CustomEvent<SampleChange>) {
    this.problems = { ...this.problems, sample: e.detail.problem };
    if (e.detail.sample) this.settings = { ...this.settings, sample: e.detail.sample };
  }

  /** New data; a new tokenizer or corpus also sets the vocabulary it implies, and a new corpus
   *  its sample prompt (unless the user wrote their own). */
  private onData(e: CustomEvent<DataSettings>) {
    const data = e.detail;
    const prev = this.settings.data;
    const builtin = data.source === 'builtin';
    const newCorpus = builtin && (data.corpus !== prev.corpus || prev.source !== 'builtin');
    let { model, sample } = this.settings;
    if (data.tokenizer !== prev.tokenizer || newCorpus) {
      const fixed = FIXED_VOCAB[data.tokenizer];
      const leavingFixed = FIXED_VOCAB[prev.tokenizer] !== undefined;
      const fallback = leavingFixed ? DEFAULT_BPE_VOCAB : model.vocabSize;
      const distinct = builtin ? this.trainer.connection.corpora.get(data.corpus)?.distinctChars : undefined;
      const vocabSize = fixed ?? (data.tokenizer === 'char' ? (distinct ? Math.max(2, distinct) : fallback)
        : builtin ? corpusInfo(data.corpus).bpeVocab : fallback);
      model = makeConfig({ ...model }, { vocabSize });
    }
    if (newCorpus && sample.prompt === corpusPrompt(prev.corpus)) sample = { ...sample, prompt: corpusPrompt(data.corpus) };
    this.settings = { ...this.settings, data, model, sample };
    this.loadCorpus();
  }

  /** A loaded checkpoint brings its own model, tokenizer and training settings: show those. */
  private onLoaded(e: CustomEvent<LoadedCheckpoint>) {
    const { model, train, tokenizer } = e.detail;
    const next: Record<string, unknown> = { ...this.settings.train };
    for (const [k, v] of Object.entries(train)) {
      const spec = TRAIN_FIELDS[k as TrainKey];
      const parsed = spec ? parseValue(k, spec, String(v)) : null;
      if (parsed && 'value' in parsed) next[k] = parsed.value;
    }
    const t = next as unknown as Settings['train'];
    t.warmup = Math.min(t.warmup, t.steps);
    const data = tokenizer ? { ...this.settings.data, tokenizer } : this.settings.data;
    this.settings = { ...this.settings, stage: 'pretrain', model, train: t, data };
    this.problems = { ...this.problems, model: '', train: '' };
  }

  private async copyLink() {
    const { link, notes } = settingsToLink(this.settings);
    const url = `${location.href.split('#')[0]}#${encodeFragment(link)}`;
    // Keep the address bar in step with the settings; replaceState fires no hashchange.
    history.replaceState(null, '', url);
    try {
      await navigator.clipboard.writeText(url);
      this.linkFallback = '';
      this.trainer.messages.notice(['Link copied. It opens TabGPT with these settings; it never starts a run by itself.', ...notes].join(' '));
    } catch {
      this.linkFallback = url;
      for (const n of notes) this.trainer.messages.notice(n);
    }
  }

  /** Called by main.ts once the app is cached for offline use. */
  offlineReady(): void {
    this.trainer.messages.notice('TabGPT is saved on this device and now works offline.');
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-app': TgApp }
}
