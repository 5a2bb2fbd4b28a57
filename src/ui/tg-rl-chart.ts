// <tg-rl-chart>: per-step RL metrics drawn with uPlot, each line on its own scale (the first on the
// left axis, the second on the right). By default mean reward and KL to the reference; the RLHF
// view adds a second chart for value loss, clip fraction and response length. RL steps are few
// and slow, so the curves are plain arrays redrawn whole.
import { LitElement, type PropertyValues, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { panelStyles } from './styles';

const HEIGHT = 200;

export interface RlPoint { step: number; reward: number; kl: number; valueLoss?: number; clipFrac?: number; length?: number }

export interface RlLine {
  key: Exclude<keyof RlPoint, 'step'>;
  label: string;
  /** CSS custom property holding the line colour. */
  color: string;
  testid: string;
}

const REWARD_KL: RlLine[] = [
  { key: 'reward', label: 'mean reward', color: '--tg-chart-train', testid: 'rl-chart-reward' },
  { key: 'kl', label: 'KL to reference', color: '--tg-chart-val', testid: 'rl-chart-kl' },
];

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(3));

@customElement('tg-rl-chart')
export class TgRlChart extends LitElement {
  static override styles = [panelStyles, unsafeCSS(uplotCss), css`
    .legend { display: flex; gap: 1.25rem; flex-wrap: wrap; font-size: 0.85rem; margin-bottom: 0.5rem; }
    .legend span::before { content: ''; display: inline-block; width: 0.8rem; height: 0.2rem; margin-right: 0.35rem; vertical-align: middle; background: var(--c); }
    .plot { position: relative; min-height: ${HEIGHT}px; }
    .empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--tg-muted); pointer-events: none; }
    .u-legend { display: none; }
  `];

  @property({ attribute: false }) points: readonly RlPoint[] = [];
  @property({ attribute: false }) lines: readonly RlLine[] = REWARD_KL;
  @property() heading = 'Reward and KL';
  @query('.plot') private host!: HTMLDivElement;
  private plot: uPlot | null = null;
  private resizer: ResizeObserver | null = null;

  override render() {
    const last = this.points.at(-1);
    const id = `rl-chart-h-${this.lines[0].key}`;
    const value = (l: RlLine) => fmt(last?.[l.key]);
    return html`
      <section class="panel" aria-labelledby=${id}>
        <h2 id=${id}>${this.heading}</h2>
        <div class="legend stat">
          ${this.lines.map((l) => html`<span style="--c: var(${l.color})">${l.label} <b data-testid=${l.testid}>${value(l)}</b></span>`)}
        </div>
        <div class="plot" role="img" data-points=${this.points.length}
          aria-label=${last ? `${this.heading}: step ${last.step}, ${this.lines.map((l) => `${l.label} ${value(l)}`).join(', ')}` : `${this.heading}, empty`}>
          ${this.points.length ? nothing : html`<p class="empty">${this.lines.map((l) => l.label).join(', ')} appear here once an RL run starts.</p>`}
        </div>
      </section>
    `;
  }

  protected override firstUpdated(): void { this.create(); }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.plot) this.create();
  }

  private create(): void {
    const style = getComputedStyle(this);
    const v = (name: string) => style.getPropertyValue(name).trim() || '#888';
    const axis = (scale: string, side: 1 | 2 | 3): uPlot.Axis => ({ scale, side, stroke: v('--tg-muted'), grid: { show: side !== 1, stroke: v('--tg-border'), width: 1 }, size: 56 });
    this.plot = new uPlot({
      width: this.host.clientWidth || 600, height: HEIGHT, legend: { show: false },
      scales: { x: { time: false } },
      axes: [axis('x', 2), ...this.lines.slice(0, 2).map((l, i) => axis(l.key, i === 0 ? 3 : 1))],
      series: [
        { label: 'step' },
        ...this.lines.map((l, i): uPlot.Series => ({ label: l.label, scale: l.key, stroke: v(l.color), width: i === 0 ? 2 : 1.5, points: { show: true, size: i === 0 ? 5 : 4 } })),
      ],
    }, this.data(), this.host);
    this.resizer = new ResizeObserver(() => { const w = this.host.clientWidth; if (w > 0) this.plot?.setSize({ width: w, height: HEIGHT }); });
    this.resizer.observe(this.host);
  }

  private data(): uPlot.AlignedData {
    const col = (l: RlLine) => this.points.map((p) => { const x = p[l.key]; return x !== undefined && Number.isFinite(x) ? x : null; });
    return [this.points.map((p) => p.step), ...this.lines.map(col)];
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('points')) this.plot?.setData(this.data());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-rl-chart': TgRlChart }
}
