// <tg-progress>: a labelled progress bar for a long job, with an optional Cancel button.
// Properties down (label, value, max), a 'cancel' event up. max = 0 shows an indeterminate bar.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { panelStyles } from './styles';

@customElement('tg-progress')
export class TgProgress extends LitElement {
  static override styles = [panelStyles, css`
    :host { display: block; margin: 0.5rem 0; }
    .top { display: flex; justify-content: space-between; gap: 0.5rem; font-size: 0.85rem; align-items: center; }
    progress { width: 100%; height: 0.75rem; accent-color: var(--tg-accent); }
    button { min-height: 1.9rem; padding: 0.15rem 0.6rem; }
  `];

  @property() label = '';
  @property({ type: Number }) value = 0;
  @property({ type: Number }) max = 0;
  /** Text after the numbers, e.g. "bytes" or a phase name. */
  @property() detail = '';
  @property({ type: Boolean }) cancellable = false;

  override render() {
    const pct = this.max > 0 ? Math.min(100, (100 * this.value) / this.max) : null;
    return html`
      <div class="top">
        <span>${this.label}${pct === null ? nothing : html` <span class="stat muted">${pct.toFixed(0)}%</span>`}${this.detail ? html` <span class="muted">${this.detail}</span>` : nothing}</span>
        ${this.cancellable ? html`<button @click=${this.cancel} aria-label=${`Cancel ${this.label}`}>Cancel</button>` : nothing}
      </div>
      ${pct === null
        ? html`<progress aria-label=${this.label}></progress>`
        : html`<progress aria-label=${this.label} max="100" .value=${pct}></progress>`}
    `;
  }

  private cancel() {
    this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-progress': TgProgress }
}
