// <tg-checkpoints-panel>: the checkpoints kept in this browser: list, load, rename, delete,
// export (download) and import (file), with byte progress and Cancel for long jobs, storage use,
// and a request for persistent storage. All work goes through the TrainerController.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { CheckpointManifest } from '../checkpoint/store';
import { formatBytes } from '../util/format';
import type { LoadedCheckpoint } from '../worker/engine-bridge';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';
import './tg-progress';

const KIND_LABEL: Record<CheckpointManifest['kind'], string> = { manual: 'saved', auto: 'autosave', import: 'imported' };

const fileNameFor = (name: string) => `${name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'checkpoint'}.safetensors`;

@customElement('tg-checkpoints-panel')
export class TgCheckpointsPanel extends LitElement {
  static override styles = [panelStyles, css`
    ul { list-style: none; padding: 0; margin: 0.5rem 0; display: grid; gap: 0.5rem; }
    li { border: 1px solid var(--tg-border); border-radius: 6px; padding: 0.6rem; display: grid; gap: 0.35rem; }
    .name { font-weight: 600; overflow-wrap: anywhere; }
    .meta { font-size: 0.8rem; color: var(--tg-muted); }
    .actions button { min-height: 2rem; padding: 0.2rem 0.6rem; }
    .import { margin-top: 0.75rem; }
    .rename input { max-width: 20rem; }
  `];

  private trainer = new UseTrainer(this);
  @state() private renaming: string | null = null;
  @state() private confirming: string | null = null;
  @state() private importError = '';

  override render() {
    const t = this.trainer.value;
    const list = t?.checkpoints.list ?? [];
    return html`<section class="panel" aria-labelledby="ckpt-h">
      <h2 id="ckpt-h">Checkpoints <small data-testid="storage">${this.storageText()}</small></h2>
      ${t && t.storage.persisted === false ? html`<p class="row"><button @click=${() => t.storage.requestPersist()}>Keep checkpoints when disk space is low</button></p>` : nothing}
      ${(t?.jobs.list ?? []).map((j) => html`<tg-progress label=${j.label} .value=${j.done} .max=${j.total} cancellable
        detail=${j.total ? `${formatBytes(j.done)} of ${formatBytes(j.total)}` : ''} @cancel=${() => t?.jobs.cancel(j.id)}></tg-progress>`)}
      ${list.length === 0
        ? html`<p class="muted" data-testid="no-checkpoints">No checkpoints yet. Runs autosave here, and you can import a .safetensors file below.</p>`
        : html`<ul data-testid="checkpoint-list">${list.map((m) => this.renderItem(m))}</ul>`}
      <div class="import">
        <label class="field">Import a checkpoint (.safetensors)
          <input type="file" name="import" accept=".safetensors,application/octet-stream" @change=${this.onImport}>
        </label>
        ${this.importError ? html`<p class="error" role="alert" data-testid="import-error">${this.importError}</p>` : nothing}
      </div>
    </section>`;
  }

  private renderItem(m: CheckpointManifest) {
    const t = this.trainer.value;
    const busy = t?.jobs.busy ?? false;
    return html`<li data-id=${m.id}>
      ${this.renaming === m.id
        ? html`<form class="row rename" @submit=${(e: Event) => this.submitRename(e, m)}>
            <input name="name" aria-label="New name" .value=${m.name} maxlength="120" required @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') this.renaming = null; }}>
            <button type="submit">Save name</button><button type="button" @click=${() => { this.renaming = null; }}>Cancel</button>
          </form>`
        : html`<span class="name">${m.name}</span>`}
      <span class="meta">${[m.stage, m.step ? `step ${m.step}` : '', KIND_LABEL[m.kind], formatBytes(m.byteLength), new Date(m.created).toLocaleString()].filter(Boolean).join(' · ')}</span>
      <span class="meta">${m.summary}</span>
      ${m.parent ? html`<span class="meta" data-testid="checkpoint-parent">from ${m.parent.stage} "${m.parent.name}" (step ${m.parent.step})</span>` : ''}
      ${this.confirming === m.id
        ? html`<div class="row actions" role="group" aria-label="Confirm delete">
            <span>Delete "${m.name}"? This cannot be undone.</span>
            <button class="danger" @click=${() => this.deleteConfirmed(m)}>Delete</button>
            <button @click=${() => { this.confirming = null; }}>Keep</button>
          </div>`
        : html`<div class="row actions">
            <button ?disabled=${busy || !t?.connection.engineConnected || t.run.busy} title=${t?.connection.engineConnected ? 'Load into the model' : 'Loading needs the training engine'} @click=${() => this.load(m)}>Load</button>
            <button ?disabled=${busy} @click=${() => this.download(m)}>Export</button>
            <button @click=${() => this.startRename(m)}>Rename</button>
            <button class="danger" @click=${() => { this.confirming = m.id; }}>Delete</button>
          </div>`}
    </li>`;
  }

  /** Loads a checkpoint and tells <tg-app> ('checkpoint-loaded') to show its settings. */
  private async load(m: CheckpointManifest) {
    const info = await this.trainer.value?.checkpoints.load(m);
    if (info) this.dispatchEvent(new CustomEvent<LoadedCheckpoint>('checkpoint-loaded', { detail: info, bubbles: true, composed: true }));
  }

  private storageText() {
    const s = this.trainer.value?.storage.info;
    if (!s || !s.quota) return '';
    return `${formatBytes(s.usage)} of ${formatBytes(s.quota)} used${this.trainer.value?.storage.persisted ? ', persistent' : ''}`;
  }

  private async startRename(m: CheckpointManifest) {
    this.renaming = m.id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form.rename input')?.select();
  }

  private async submitRename(e: Event, m: CheckpointManifest) {
    e.preventDefault();
    const name = new FormData(e.target as HTMLFormElement).get('name');
    if (typeof name === 'string' && (await this.trainer.value?.checkpoints.rename(m.id, name))) this.renaming = null;
  }

  private async deleteConfirmed(m: CheckpointManifest) {
    this.confirming = null;
    await this.trainer.value?.checkpoints.delete(m.id);
  }

  private async download(m: CheckpointManifest) {
    const bytes = await this.trainer.value?.checkpoints.export(m);
    if (!bytes) return;
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileNameFor(m.name);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async onImport(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || !this.trainer.value) return;
    this.importError = '';
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const error = await this.trainer.value.checkpoints.import(file.name.replace(/\.safetensors$/i, '') || 'Imported checkpoint', bytes);
      if (error) this.importError = `Could not import "${file.name}": ${error}`;
    } catch (err) {
      this.importError = `Could not read "${file.name}": ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      input.value = '';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-checkpoints-panel': TgCheckpointsPanel }
}
