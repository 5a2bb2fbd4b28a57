// <tg-stage-rail>: the pipeline Data → Pretrain → SFT → Reward → RLHF. Stages the engine cannot
// run yet are disabled and say in one line what they will do. Emits 'stage-change' (detail: id).
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { STAGES, type StageId } from '../share/settings';
import { STAGE_INFO } from './stages';
import { panelStyles } from './styles';

@customElement('tg-stage-rail')
export class TgStageRail extends LitElement {
  static override styles = [panelStyles, css`
    ol { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 0.5rem; counter-reset: stage; }
    li { min-width: 0; }
    button {
      width: 100%; height: 100%; text-align: left; display: flex; flex-direction: column; gap: 0.2rem;
      padding: 0.55rem 0.7rem; background: var(--tg-card);
    }
    button[aria-current='step'] { border-color: var(--tg-accent); box-shadow: inset 0 -3px 0 var(--tg-accent); }
    .name { font-weight: 600; }
    .name::before { counter-increment: stage; content: counter(stage) '. '; color: var(--tg-muted); }
    .does { font-size: 0.78rem; color: var(--tg-muted); line-height: 1.25; }
    @media (max-width: 760px) {
      ol { grid-template-columns: none; grid-auto-flow: column; grid-auto-columns: minmax(9.5rem, 1fr); overflow-x: auto; padding-bottom: 0.25rem; }
    }
  `];

  @property() stage: StageId = 'pretrain';
  @property({ attribute: false }) available: StageId[] = ['data', 'pretrain'];
  /** Stages this build can run at all; a built stage that is not available waits for the one before. */
  @property({ attribute: false }) built: readonly StageId[] = ['pretrain'];

  override render() {
    return html`
      <nav aria-label="Training stages">
        <ol>
          ${STAGES.map((id) => {
            const info = STAGE_INFO[id];
            const enabled = this.available.includes(id);
            const why = this.built.includes(id) ? 'Needs the stage before it first.' : 'Coming later.';
            return html`<li>
              <button data-stage=${id} ?disabled=${!enabled} aria-current=${id === this.stage ? 'step' : 'false'}
                @click=${() => this.select(id)} title=${enabled ? info.does : `${why} ${info.does}`}>
                <span class="name">${info.label}</span>
                <span class="does">${enabled ? info.does : `${why} ${info.does}`}</span>
              </button>
            </li>`;
          })}
        </ol>
      </nav>
    `;
  }

  private select(id: StageId) {
    this.dispatchEvent(new CustomEvent<StageId>('stage-change', { detail: id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-stage-rail': TgStageRail }
}
