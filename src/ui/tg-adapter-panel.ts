// <tg-adapter-panel>: which GPU the browser gave us: name, whether it is a software fallback,
// features and limits (the ones that bound model size first, then all of them).
import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { formatBytes } from '../util/format';
import { panelStyles } from './styles';
import { UseTrainer } from './trainer-context';

/** Limits that decide what fits, with how to show them. */
const KEY_LIMITS: [string, string, boolean][] = [
  ['maxBufferSize', 'Largest buffer', true],
  ['maxStorageBufferBindingSize', 'Largest storage binding', true],
  ['maxComputeWorkgroupStorageSize', 'Workgroup memory', true],
  ['maxComputeInvocationsPerWorkgroup', 'Threads per workgroup', false],
  ['maxStorageBuffersPerShaderStage', 'Storage buffers per shader', false],
  ['maxComputeWorkgroupsPerDimension', 'Workgroups per dimension', false],
];

@customElement('tg-adapter-panel')
export class TgAdapterPanel extends LitElement {
  static override styles = [panelStyles, css`
    dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; font-size: 0.9rem; }
    dt { color: var(--tg-muted); }
    dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
    .chips { display: flex; flex-wrap: wrap; gap: 0.3rem; margin: 0.3rem 0 0.6rem; }
    details summary { cursor: pointer; color: var(--tg-muted); font-size: 0.9rem; }
    .desc { font-weight: 600; overflow-wrap: anywhere; }
  `];

  private trainer = new UseTrainer(this);

  override render() {
    const t = this.trainer.value;
    return html`<section class="panel" aria-labelledby="adapter-h" data-testid="adapter-panel">
      <h2 id="adapter-h">GPU</h2>
      ${!t || t.connection.initializing ? html`<p class="muted">Asking the browser for a GPU…</p>` : t.connection.gpuError ? html`
        <p class="error" role="alert" data-testid="gpu-error">${t.connection.gpuError}</p>
        <p class="muted">Checkpoints and share links still work; training needs WebGPU.</p>` : this.renderAdapter()}
    </section>`;
  }

  private renderAdapter() {
    const a = this.trainer.value?.connection.adapter;
    if (!a) return nothing;
    return html`
      <p class="desc" data-testid="adapter-description">${a.description}</p>
      <p>${a.isFallback
        ? html`<span class="badge warn" data-testid="adapter-fallback">software fallback</span> <span class="muted">runs on the CPU: fine for tiny models, slow for anything bigger.</span>`
        : html`<span class="badge ok">hardware</span>`}
        <span class="badge">${a.featureLevel}</span></p>
      <dl>
        ${KEY_LIMITS.map(([k, label, bytes]) => a.limits[k] === undefined ? nothing : html`
          <dt>${label}</dt><dd>${bytes ? formatBytes(a.limits[k]) : a.limits[k].toLocaleString('en-US')}</dd>`)}
      </dl>
      <div><span class="muted">Features</span>
        <div class="chips">${a.features.length ? a.features.map((f) => html`<span class="badge">${f}</span>`) : html`<span class="muted">none</span>`}</div>
      </div>
      <details>
        <summary>All ${Object.keys(a.limits).length} limits</summary>
        <dl>${Object.entries(a.limits).sort(([x], [y]) => x.localeCompare(y)).map(([k, n]) => html`<dt>${k}</dt><dd>${n.toLocaleString('en-US')}</dd>`)}</dl>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-adapter-panel': TgAdapterPanel }
}
