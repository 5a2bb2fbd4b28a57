// <tg-chat-dataset>: the dataset of a post-training stage. Built-in tasks (SFT) or pairs (reward)
// by default, or JSONL pasted or loaded from a file. Bad lines are listed with their line numbers
// and the user chooses to continue without them or to cancel (back to the built-in data). For SFT
// it previews one example token by token, highlighting the tokens that carry loss.
// Emits 'dataset-change' {data, problem}: `problem` non-empty keeps Start disabled.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type LineProblem, parsePairsJsonl, parseSftJsonl } from '../data/chat/jsonl';
import { type CorpusName, corpusInfo } from '../data/corpora';
import type { PostData, PreviewTokenInfo } from '../worker/engine-bridge';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

export interface DatasetChange { data: Omit<PostData, 'evalCount'>; problem: string }

/** Bad lines listed before "and N more". */
const SHOWN_PROBLEMS = 8;

@customElement('tg-chat-dataset')
export class TgChatDataset extends LitElement {
  static override styles = [panelStyles, css`
    .tokens { line-height: 1.9; }
    .tok { border-radius: 3px; padding: 0 1px; white-space: pre-wrap; }
    .tok.loss { background: var(--tg-accent-bg); outline: 1px solid var(--tg-accent); }
    .tok.special { color: var(--tg-muted); font-weight: 600; }
    ul.problems { margin: 0.3rem 0; padding-left: 1.2rem; font-size: 0.85rem; }
    textarea { min-height: 5rem; }
  `];

  @property() stage: 'sft' | 'reward' = 'sft';
  /** The corpus whose built-in tasks the stage trains on (the Data stage's choice). */
  @property() corpus: CorpusName = 'world';
  /** The engine has a base model whose tokenizer the preview can use. */
  @property({ type: Boolean }) canPreview = false;
  @property({ type: Boolean }) disabled = false;
  @state() private source: 'builtin' | 'jsonl' = 'builtin';
  @state() private jsonl = '';
  @state() private problems: LineProblem[] = [];
  @state() private good = 0;
  /** The user chose to train without the bad lines. */
  @state() private accepted = false;
  @state() private preview: { tokens: PreviewTokenInfo[]; examples: number } | null = null;
  @state() private index = 0;
  private trainer = new UseTrainer(this);
  private previewFor = '';

  override render() {
    const jsonl = this.source === 'jsonl';
    const format = this.stage === 'sft' ? '{"messages": [...]} or {"prompt", "completion"}' : '{"prompt", "chosen", "rejected"}';
    return html`
      <fieldset class="row" ?disabled=${this.disabled}>
        <legend class="muted">Dataset</legend>
        <label class="check"><input type="radio" name="post-source" value="builtin" .checked=${!jsonl} @change=${() => this.setSource('builtin')}>
          Built-in ${this.stage === 'sft' ? (this.corpus === 'world' ? 'tasks (arithmetic, strings, facts)' : `tasks on ${corpusInfo(this.corpus).title}`) : 'preference pairs (right vs. subtly wrong answers)'}</label>
        <label class="check"><input type="radio" name="post-source" value="jsonl" .checked=${jsonl} @change=${() => this.setSource('jsonl')}> JSONL</label>
      </fieldset>
      ${jsonl ? html`
        <p class="muted">One JSON object per line: ${format}.</p>
        <label class="field">Paste JSONL<textarea name="jsonl" .value=${this.jsonl} ?disabled=${this.disabled}
          @input=${(e: Event) => this.setText((e.target as HTMLTextAreaElement).value)}></textarea></label>
        <label class="field">or load a file<input type="file" accept=".jsonl,.json,.txt" ?disabled=${this.disabled} @change=${this.onFile}></label>
        ${this.problemsBlock()}` : nothing}
      ${this.stage === 'sft' ? this.previewBlock() : nothing}
    `;
  }

  private problemsBlock() {
    if (this.jsonl.trim() === '') return nothing;
    if (this.problems.length === 0) return html`<p class="muted" data-testid="jsonl-count">${this.good} good line(s).</p>`;
    return html`<div data-testid="jsonl-problems" role=${this.accepted ? 'status' : 'alert'}>
      <p class=${this.accepted ? 'muted' : 'error'}>${this.problems.length} bad line(s), ${this.good} good:</p>
      <ul class="problems">${this.problems.slice(0, SHOWN_PROBLEMS).map((p) => html`<li>line ${p.line}: ${p.reason}</li>`)}
        ${this.problems.length > SHOWN_PROBLEMS ? html`<li>… and ${this.problems.length - SHOWN_PROBLEMS} more</li>` : nothing}</ul>
      ${this.accepted ? html`<p class="muted">Training uses the ${this.good} good line(s).</p>` : html`<div class="row">
        <button data-testid="skip-bad-lines" ?disabled=${this.good === 0} @click=${() => { this.accepted = true; this.emit(); }}>Continue without them</button>
        <button data-testid="cancel-jsonl" @click=${() => this.setSource('builtin')}>Cancel</button></div>`}
    </div>`;
  }

  private previewBlock() {
    if (!this.canPreview) return html`<p class="muted">The token preview appears once there is a pretrained model.</p>`;
    const p = this.preview;
    return html`<div>
      <div class="row"><span class="muted">Preview: highlighted tokens carry loss (the assistant's reply and its closing &lt;|end|&gt;).</span>
        <button ?disabled=${!p || p.examples < 2} @click=${() => this.step(1)}>Next example</button></div>
      <pre class="text tokens" data-testid="sft-preview">${p?.tokens.map((t) => html`<span class="tok ${t.loss ? 'loss' : ''} ${t.special ? 'special' : ''}" data-loss=${t.loss}>${t.text}</span>`) ?? ''}</pre>
    </div>`;
  }

  override updated() {
    const key = `${this.canPreview}|${this.source}|${this.corpus}|${this.jsonl.length}|${this.index}`;
    if (this.stage === 'sft' && this.canPreview && key !== this.previewFor) {
      this.previewFor = key;
      void this.trainer.value?.run.previewChat({ ...this.data(), evalCount: 0 }, this.index).then((p) => { this.preview = p ?? null; });
    }
  }

  private step(d: number) {
    const n = this.preview?.examples ?? 1;
    this.index = (this.index + d) % Math.max(1, n);
  }

  private data(): Omit<PostData, 'evalCount'> {
    return { source: this.source, jsonl: this.source === 'jsonl' ? this.jsonl : '', corpus: this.corpus };
  }

  private setSource(source: 'builtin' | 'jsonl') {
    this.source = source;
    if (source === 'builtin') { this.jsonl = ''; this.problems = []; this.good = 0; }
    this.accepted = false;
    this.index = 0;
    this.emit();
  }

  private setText(text: string) {
    this.jsonl = text;
    const r = this.stage === 'sft' ? parseSftJsonl(text) : parsePairsJsonl(text);
    this.problems = r.problems;
    this.good = r.records.length;
    this.accepted = false;
    this.index = 0;
    this.emit();
  }

  private async onFile(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) this.setText(await file.text());
  }

  private emit() {
    let problem = '';
    if (this.source === 'jsonl') {
      if (this.good === 0) problem = 'Paste or load a JSONL dataset with at least one good line.';
      else if (this.problems.length && !this.accepted) problem = 'Choose whether to continue without the bad JSONL lines.';
    }
    this.dispatchEvent(new CustomEvent<DatasetChange>('dataset-change', { detail: { data: this.data(), problem }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-chat-dataset': TgChatDataset }
}
