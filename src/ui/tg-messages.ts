// <tg-messages>: the visible error and notice area. Errors are announced assertively, notices
// politely. Text bindings only: a message can quote user or link input without risk.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AppMessage } from './messages';
import { panelStyles } from './styles';

@customElement('tg-messages')
export class TgMessages extends LitElement {
  static override styles = [panelStyles, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    li { display: flex; gap: 0.75rem; align-items: flex-start; justify-content: space-between;
      border-radius: var(--tg-radius); padding: 0.6rem 0.8rem; border: 1px solid var(--tg-border); background: var(--tg-card); }
    li.error { border-color: var(--tg-error); background: var(--tg-error-bg); }
    li ul { display: block; margin: 0.3rem 0 0 1.1rem; list-style: disc; }
    li li { display: list-item; border: 0; padding: 0; background: none; }
    button { min-height: 1.9rem; padding: 0.1rem 0.6rem; flex: none; }
    [role='alert']:not(:empty) + [role='status'] > ul { margin-top: 0.5rem; }
  `];

  @property({ attribute: false }) messages: AppMessage[] = [];

  override render() {
    const errors = this.messages.filter((m) => m.kind === 'error');
    const notices = this.messages.filter((m) => m.kind === 'notice');
    return html`
      <div role="alert" aria-live="assertive">${this.list(errors)}</div>
      <div role="status" aria-live="polite">${this.list(notices)}</div>
    `;
  }

  private list(items: AppMessage[]) {
    if (items.length === 0) return nothing;
    return html`<ul>${items.map((m) => html`
      <li class=${m.kind} data-kind=${m.kind}>
        <div>
          <span>${m.text}</span>
          ${m.details.length ? html`<ul>${m.details.map((d) => html`<li>${d}</li>`)}</ul>` : nothing}
        </div>
        <button @click=${() => this.dismiss(m.id)} aria-label="Dismiss message">Dismiss</button>
      </li>`)}</ul>`;
  }

  private dismiss(id: number) {
    this.dispatchEvent(new CustomEvent('dismiss', { detail: id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-messages': TgMessages }
}
