// <tg-preference-capture>: for a prompt, two replies of the SFT model side by side; the user picks
// the better one (or a tie). Picks are stored in IndexedDB (preferences.ts), joined to the reward
// dataset when the reward panel says so, and exported as JSONL.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Settings } from '../share/settings';
import { type Choice, type Preference, addPreference, clearPreferences, listPreferences, preferencesJsonl } from './preferences';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

@customElement('tg-preference-capture')
export class TgPreferenceCapture extends LitElement {
  static override styles = [panelStyles, css`
    .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: 0.75rem; margin-top: 0.6rem; }
    .pair pre { min-height: 3rem; }
    .choose { margin-top: 0.5rem; }
  `];

  @property({ attribute: false }) settings!: Settings;
  @state() private prompt = '';
  @state() private pair: { prompt: string; a: string; b: string } | null = null;
  @state() private sampling = false;
  @state() private picks: Preference[] = [];
  private trainer = new UseTrainer(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  override render() {
    const t = this.trainer.value;
    const ready = !!t?.run.sftModel;
    const pairs = preferencesJsonl(this.picks).split('\n').filter(Boolean).length;
    return html`
      <section class="panel" aria-labelledby="pref-h">
        <h2 id="pref-h">Pick the better answer <small data-testid="pref-count">${this.picks.length} picked, ${pairs} usable as pairs</small></h2>
        <label class="field">Prompt (a user turn)<textarea name="pref-prompt" .value=${this.prompt}
          @input=${(e: Event) => { this.prompt = (e.target as HTMLTextAreaElement).value; }}></textarea></label>
        <div class="row" style="margin-top: 0.6rem">
          <button class="primary" data-testid="pref-sample" ?disabled=${!ready || this.sampling || !this.prompt.trim()} @click=${this.sample}>
            ${this.sampling ? 'Sampling…' : 'Sample two answers'}</button>
          <button data-testid="pref-export" ?disabled=${pairs === 0} @click=${this.export}>Export JSONL</button>
          <button ?disabled=${this.picks.length === 0} @click=${this.clear}>Clear picks</button>
          ${ready ? nothing : html`<span class="muted">Needs the SFT model.</span>`}
        </div>
        ${this.pair ? html`<div class="pair">
          ${(['a', 'b'] as const).map((k) => html`<div><b>${k.toUpperCase()}</b><pre class="text" data-testid=${`pref-${k}`}>${this.pair![k]}</pre></div>`)}
        </div>
        <div class="row choose">
          <button data-testid="pick-a" ?disabled=${this.pair.a === this.pair.b} @click=${() => this.pick('a')}>A is better</button>
          <button data-testid="pick-b" ?disabled=${this.pair.a === this.pair.b} @click=${() => this.pick('b')}>B is better</button>
          <button data-testid="pick-tie" @click=${() => this.pick('tie')}>Tie</button>
        </div>` : nothing}
      </section>
    `;
  }

  private async refresh() {
    this.picks = await listPreferences();
  }

  private sample = async () => {
    const t = this.trainer.value;
    if (!t) return;
    this.sampling = true;
    const prompt = this.prompt;
    const out = await t.run.chatPair(this.settings, prompt);
    this.pair = out ? { prompt, a: out[0], b: out[1] } : null;
    this.sampling = false;
  };

  private pick = async (choice: Choice) => {
    if (!this.pair) return;
    await addPreference({ ...this.pair, choice });
    this.pair = null;
    await this.refresh();
  };

  private clear = async () => {
    await clearPreferences();
    await this.refresh();
  };

  private export = () => {
    const url = URL.createObjectURL(new Blob([preferencesJsonl(this.picks)], { type: 'application/jsonl' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'tabgpt-preferences.jsonl';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
}

declare global {
  interface HTMLElementTagNameMap { 'tg-preference-capture': TgPreferenceCapture }
}
