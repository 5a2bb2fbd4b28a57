// <tg-reward-score>: type a prompt and an answer, see the reward model's score for that answer.
// Scores only compare answers to the same prompt: higher means the model prefers it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

@customElement('tg-reward-score')
export class TgRewardScore extends LitElement {
  static override styles = [panelStyles, css`
    textarea { min-height: 2.5rem; }
    .result { margin-top: 0.6rem; }
  `];

  @state() private prompt = '';
  @state() private answer = '';
  @state() private scoring = false;
  @state() private result: { prompt: string; answer: string; score: number } | null = null;
  private trainer = new UseTrainer(this);

  override render() {
    const t = this.trainer.value;
    const ready = !!t?.run.rewardReady;
    return html`
      <section class="panel" aria-labelledby="score-h">
        <h2 id="score-h">Score an answer</h2>
        <label class="field">Prompt (a user turn)<textarea name="score-prompt" .value=${this.prompt}
          @input=${(e: Event) => { this.prompt = (e.target as HTMLTextAreaElement).value; }}></textarea></label>
        <label class="field">Answer<textarea name="score-answer" .value=${this.answer}
          @input=${(e: Event) => { this.answer = (e.target as HTMLTextAreaElement).value; }}></textarea></label>
        <div class="row" style="margin-top: 0.6rem">
          <button class="primary" data-testid="score" ?disabled=${!ready || this.scoring || !this.prompt.trim()} @click=${this.score}>${this.scoring ? 'Scoring…' : 'Score'}</button>
          ${ready ? html`<span class="muted">Compare answers to the same prompt: the higher score is the one the model prefers.</span>`
            : html`<span class="muted">Train a reward model first.</span>`}
        </div>
        ${this.result ? html`<p class="result">Reward: <b class="stat" data-testid="reward-score">${this.result.score.toFixed(3)}</b>
          <span class="muted">for “${this.result.answer}”</span></p>` : nothing}
      </section>
    `;
  }

  private score = async () => {
    const t = this.trainer.value;
    if (!t) return;
    this.scoring = true;
    const { prompt, answer } = this;
    const score = await t.run.score(prompt, answer);
    if (score !== undefined) this.result = { prompt, answer, score };
    this.scoring = false;
  };
}

declare global {
  interface HTMLElementTagNameMap { 'tg-reward-score': TgRewardScore }
}
