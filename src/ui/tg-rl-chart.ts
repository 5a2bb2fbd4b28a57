// <tg-rl-chart>: an RL run's mean reward (left axis) and KL to the reference (right axis) per
// step, drawn with uPlot. RL steps are few and slow, so the curve is a plain array redrawn whole.
import { LitElement, type PropertyValues, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { panelStyles } from './styles';

const HEIGHT = 200;

export interface RlPoint { step: number; reward: number; kl: number }

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
  @query('.plot') private host!: HTMLDivElement;
  private plot: uPlot | null = null;
  private resizer: ResizeObserver | null = null;

  override render() {
    const last = this.points.at(-1);
    return html`
      <section class="panel" aria-labelledby="rl-chart-h">
        <h2 id="rl-chart-h">Reward and KL</h2>
        <div class="legend stat">
          <span style="--c: var(--tg-chart-train)">mean reward <b data-testid="rl-chart-reward">${fmt(last?.reward)}</b></span>
          <span style="--c: var(--tg-chart-val)">KL to reference <b data-testid="rl-chart-kl">${fmt(last?.kl)}</b></span>
        </div>
        <div class="plot" role="img" data-points=${this.points.length}
          aria-label=${last ? `RL chart: step ${last.step}, mean reward ${fmt(last.reward)}, KL ${fmt(last.kl)}` : 'RL chart, empty'}>
          ${this.points.length ? nothing : html`<p class="empty">Mean reward and KL appear here once an RL run starts.</p>`}
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
      axes: [axis('x', 2), axis('reward', 3), axis('kl', 1)],
      series: [
        { label: 'step' },
        { label: 'mean reward', scale: 'reward', stroke: v('--tg-chart-train'), width: 2, points: { show: true, size: 5 } },
        { label: 'KL', scale: 'kl', stroke: v('--tg-chart-val'), width: 1.5, points: { show: true, size: 4 } },
      ],
    }, this.data(), this.host);
    this.resizer = new ResizeObserver(() => { const w = this.host.clientWidth; if (w > 0) this.plot?.setSize({ width: w, height: HEIGHT }); });
    this.resizer.observe(this.host);
  }

  private data(): uPlot.AlignedData {
    return [this.points.map((p) => p.step), this.points.map((p) => p.reward), this.points.map((p) => (Number.isFinite(p.kl) ? p.kl : null))];
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
