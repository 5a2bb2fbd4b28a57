// <tg-compare-panel>: one prompt through each model this session holds, side by side: the
// pretrained model continues it as text, the SFT and RL models answer it as a user turn.
// Sampling uses the page's sampling settings. Output is bound as text.
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Settings } from '../share/settings';
import type { CompareResult } from '../worker/engine-bridge';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

const COLUMNS = [['base', 'Pretrained'], ['sft', 'SFT'], ['rlhf', 'RLHF']] as const;

@customElement('tg-compare-panel')
export class TgComparePanel extends LitElement {
  static override styles = [panelStyles, css`
    .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; margin-top: 0.75rem; }
    h3 { font-size: 0.95rem; margin: 0; }
  `];

  @property({ attribute: false }) settings!: Settings;
  @state() private prompt = 'What is 2 + 3?';
  @state() private result: CompareResult | null = null;
  @state() private running = false;
  private trainer = new UseTrainer(this);

  override render() {
    const t = this.trainer.value;
    return html`
      <section class="panel" aria-labelledby="compare-h">
        <h2 id="compare-h">Compare models <small>the same prompt through each model of this session</small></h2>
        <label class="field">Prompt
          <textarea name="compare-prompt" rows="2" .value=${this.prompt} @input=${(e: Event) => { this.prompt = (e.target as HTMLTextAreaElement).value; }}></textarea></label>
        <div class="row controls"><button data-testid="compare" ?disabled=${!t?.run.hasModel || this.running || !this.prompt.trim()} @click=${this.compare}>${this.running ? 'Generating…' : 'Compare'}</button></div>
        ${this.result ? html`<div class="cols">${COLUMNS.map(([k, label]) => html`<div>
          <h3>${label}</h3>
          <pre class="text" data-testid=${`compare-${k}`}>${this.result![k] ?? '(no such model in this session)'}</pre></div>`)}</div>` : ''}
      </section>
    `;
  }

  private compare = async () => {
    const t = this.trainer.value;
    if (!t) return;
    this.running = true;
    this.result = (await t.run.compare(this.settings, this.prompt)) ?? null;
    this.running = false;
  };
}

declare global {
  interface HTMLElementTagNameMap { 'tg-compare-panel': TgComparePanel }
}
