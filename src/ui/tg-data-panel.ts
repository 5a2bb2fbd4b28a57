// <tg-data-panel>: what to train on (a built-in corpus from the registry in src/data/corpora.ts, a
// .txt file by picker or drag-and-drop, or pasted text) and which tokenizer, with a preview and
// counts. Emits 'data-change' with the new DataSettings (picking a corpus also picks its default
// tokenizer) and 'corpus-retry' when the user asks to read a corpus again after a failure.
// Reading a built-in corpus is the worker's job; this panel only shows it, its loading and its error.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { formatBytes } from '../util/format';
import { formatCount } from '../share/describe';
import { type DataSettings, type DataSource, TOKENIZERS, type TokenizerKind } from '../share/settings';
import { CORPORA, type CorpusName, corpusInfo } from '../data/corpora';
import type { CorpusPreview } from '../worker/protocol';
import { panelStyles } from './styles';
import { textStats } from './text-stats';

/** Largest text file accepted: more than a tab can tokenize in reasonable time. */
export const MAX_TEXT_FILE_BYTES = 200 * 1024 * 1024;
const PREVIEW_CHARS = 1500;

const TOKENIZER_INFO: Record<TokenizerKind, string> = {
  char: 'one token per distinct character of the text: tiny vocabulary, long sequences',
  byte: 'one token per UTF-8 byte (256): works on any text',
  bpe: 'byte-pair merges learned from this text, up to the vocabulary size set in the model',
};

const SOURCES: { id: DataSource; label: string }[] = [
  { id: 'builtin', label: 'Built-in corpus' },
  { id: 'file', label: 'Text file' },
  { id: 'text', label: 'Paste text' },
];

@customElement('tg-data-panel')
export class TgDataPanel extends LitElement {
  static override styles = [panelStyles, css`
    fieldset { border: 0; padding: 0; margin: 0 0 0.75rem; display: flex; gap: 1rem; flex-wrap: wrap; }
    legend { font-size: 0.85rem; color: var(--tg-muted); margin-bottom: 0.3rem; padding: 0; }
    .drop { border: 2px dashed var(--tg-border); border-radius: var(--tg-radius); padding: 1rem; text-align: center; }
    .drop.over { border-color: var(--tg-accent); background: var(--tg-accent-bg); }
    .stats { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 0.75rem 0 0; }
    .stats div { display: flex; flex-direction: column; }
    .stats strong { font-size: 1.1rem; }
    textarea { min-height: 9rem; }
    .tok { max-width: 28rem; margin-top: 0.75rem; }
    .corpora { flex-direction: column; gap: 0.5rem; }
    .corpora label { align-items: flex-start; }
    .corpora small { display: block; color: var(--tg-muted); }
    .loading { display: flex; gap: 0.6rem; align-items: center; }
  `];

  @property({ attribute: false }) data!: DataSettings;
  /** The chosen built-in corpus's preview, once read. */
  @property({ attribute: false }) corpus: CorpusPreview | null = null;
  /** Why reading the chosen built-in corpus failed ('' when it did not). */
  @property() corpusError = '';
  @property({ type: Boolean }) disabled = false;
  @state() private over = false;
  @state() private fileError = '';

  override render() {
    const d = this.data;
    const text = d.source === 'builtin' ? null : d.text;
    return html`
      <section class="panel" aria-labelledby="data-h" @dragover=${this.onDragOver} @dragleave=${() => { this.over = false; }} @drop=${this.onDrop}>
        <h2 id="data-h">Training data</h2>
        <fieldset ?disabled=${this.disabled}>
          <legend>Source</legend>
          ${SOURCES.map((s) => html`<label class="check">
            <input type="radio" name="source" value=${s.id} .checked=${live(d.source === s.id)} @change=${() => this.emit({ source: s.id })}>${s.label}</label>`)}
        </fieldset>
        ${d.source === 'builtin' ? this.renderCorpora() : nothing}
        ${d.source === 'file' ? this.renderFile() : nothing}
        ${d.source === 'text' ? html`<label class="field">Your text
          <textarea name="paste" .value=${d.text} ?disabled=${this.disabled} placeholder="Paste or type training text here"
            @input=${(e: Event) => this.emit({ text: (e.target as HTMLTextAreaElement).value, fileName: '' })}></textarea></label>` : nothing}
        <label class="field tok">Tokenizer
          <select name="tokenizer" ?disabled=${this.disabled} @change=${(e: Event) => this.emit({ tokenizer: (e.target as HTMLSelectElement).value as TokenizerKind })}>
            ${this.tokenizers().map((t) => html`<option value=${t} .selected=${live(t === d.tokenizer)}>${t}: ${this.tokenizerInfo(t)}</option>`)}
          </select>
        </label>
        ${this.renderStats(text)}
        ${this.renderPreview(text)}
      </section>
    `;
  }

  private renderCorpora() {
    const d = this.data;
    return html`<fieldset class="corpora" ?disabled=${this.disabled} data-testid="corpus-choice">
      <legend>Built-in corpus</legend>
      ${CORPORA.map((c) => html`<label class="check">
        <input type="radio" name="corpus" value=${c.name} .checked=${live(d.corpus === c.name)} @change=${() => this.pickCorpus(c.name)}>
        <span><strong>${c.title}</strong><small>${c.summary}</small></span></label>`)}
    </fieldset>`;
  }

  /** The tokenizers offered: the chosen corpus's, default first, or all of them for the user's text. */
  private tokenizers(): readonly TokenizerKind[] {
    return this.data.source === 'builtin' ? corpusInfo(this.data.corpus).tokenizers : TOKENIZERS;
  }

  private tokenizerInfo(t: TokenizerKind): string {
    if (t !== 'bpe' || this.data.source !== 'builtin') return TOKENIZER_INFO[t];
    return `byte-pair merges learned from this corpus, ${corpusInfo(this.data.corpus).bpeVocab.toLocaleString('en-US')} tokens suggested (the model's vocabulary size)`;
  }

  private pickCorpus(name: CorpusName) {
    this.emit({ source: 'builtin', corpus: name, tokenizer: corpusInfo(name).tokenizers[0] });
  }

  private renderFile() {
    return html`
      <div class="drop ${this.over ? 'over' : ''}">
        <label class="field">Choose a .txt file, or drop one anywhere on this panel
          <input type="file" name="file" accept=".txt,text/plain" ?disabled=${this.disabled} @change=${this.onPick}>
        </label>
        ${this.data.fileName ? html`<p>Loaded <strong>${this.data.fileName}</strong> (${formatBytes(this.data.text.length)} of text).</p>` : nothing}
      </div>
      ${this.fileError ? html`<p class="error" role="alert">${this.fileError}</p>` : nothing}
    `;
  }

  private renderStats(text: string | null) {
    const d = this.data;
    if (text === null) {
      const title = corpusInfo(d.corpus).title;
      if (this.corpusError) return html`<div class="error" role="alert" data-testid="corpus-error">
        <p>Could not read “${title}”: ${this.corpusError}</p>
        <button @click=${() => this.dispatchEvent(new CustomEvent<CorpusName>('corpus-retry', { detail: d.corpus, bubbles: true, composed: true }))}>Try again</button></div>`;
      if (this.corpus?.name !== d.corpus) return html`<div class="loading" role="status" data-testid="corpus-loading">
        <progress aria-label="Loading the corpus"></progress><span class="muted">Loading “${title}”…</span></div>`;
      const tokens = d.tokenizer === 'byte' || d.tokenizer === 'char' ? formatCount(this.corpus.chars) : null;
      return html`<div class="stats">
        <div><span class="muted">Characters</span><strong class="stat" data-testid="char-count">${this.corpus.chars.toLocaleString('en-US')}</strong></div>
        ${tokens ? html`<div><span class="muted">Tokens (${d.tokenizer})</span><strong class="stat">${tokens}</strong></div>` : this.laterTokens()}
      </div>`;
    }
    const s = textStats(text);
    const tokens = d.tokenizer === 'byte' ? s.bytes : d.tokenizer === 'char' ? s.codePoints : null;
    return html`<div class="stats">
      <div><span class="muted">Characters</span><strong class="stat" data-testid="char-count">${s.codePoints.toLocaleString('en-US')}</strong></div>
      <div><span class="muted">Distinct characters</span><strong class="stat">${s.distinct.toLocaleString('en-US')}</strong></div>
      ${tokens !== null ? html`<div><span class="muted">Tokens (${d.tokenizer})</span><strong class="stat">${tokens.toLocaleString('en-US')}</strong></div>` : this.laterTokens()}
    </div>`;
  }

  private laterTokens() {
    return html`<div><span class="muted">Tokens (${this.data.tokenizer})</span><span class="muted">counted when training starts</span></div>`;
  }

  private renderPreview(text: string | null) {
    const preview = text === null ? this.corpus?.preview : text.slice(0, PREVIEW_CHARS);
    if (!preview) return nothing;
    return html`<h3 class="visually-hidden">Preview</h3><pre class="text" aria-label="Preview of the training text" data-testid="data-preview">${preview}</pre>`;
  }

  private onDragOver(e: DragEvent) {
    if (this.disabled || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.over = true;
  }

  private onDrop(e: DragEvent) {
    this.over = false;
    const file = e.dataTransfer?.files[0];
    if (this.disabled || !file) return;
    e.preventDefault();
    void this.load(file);
  }

  private onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) void this.load(file);
  }

  private async load(file: File) {
    this.fileError = '';
    if (!/\.txt$/i.test(file.name) && file.type !== 'text/plain') {
      this.fileError = `"${file.name}" is not a .txt file. Save your text as plain text (.txt) and try again.`;
      return;
    }
    if (file.size > MAX_TEXT_FILE_BYTES) {
      this.fileError = `"${file.name}" is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_TEXT_FILE_BYTES)}. Use a shorter excerpt.`;
      return;
    }
    try {
      const text = await file.text();
      if (text.trim().length === 0) { this.fileError = `"${file.name}" is empty.`; return; }
      this.emit({ source: 'file', text, fileName: file.name });
    } catch (err) {
      this.fileError = `Could not read "${file.name}": ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private emit(patch: Partial<DataSettings>) {
    const next = { ...this.data, ...patch };
    if (patch.source && patch.source !== this.data.source && patch.text === undefined) next.text = '';
    if (next.source !== 'file') next.fileName = '';
    this.dispatchEvent(new CustomEvent<DataSettings>('data-change', { detail: next, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-data-panel': TgDataPanel }
}
