// <tg-loss-chart>: training and validation loss above, learning rate and tokens/s below, drawn
// with uPlot from the LossSeries' typed arrays. However often the series changes, the charts
// redraw at most once per animation frame; uPlot decimates, so 100k+ points stay smooth.
import { LitElement, type PropertyValues, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { LossSeries } from './loss-series';
import { panelStyles } from './styles';

const LOSS_HEIGHT = 240;
const RATE_HEIGHT = 140;
const STEP_INCRS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((p) => m * p)).sort((a, b) => a - b);

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(digits));

@customElement('tg-loss-chart')
export class TgLossChart extends LitElement {
  static override styles = [panelStyles, unsafeCSS(uplotCss), css`
    .legend { display: flex; gap: 1.25rem; flex-wrap: wrap; font-size: 0.85rem; margin-bottom: 0.5rem; }
    .legend span::before { content: ''; display: inline-block; width: 0.8rem; height: 0.2rem; margin-right: 0.35rem; vertical-align: middle; background: var(--c); }
    .plots { position: relative; min-height: ${LOSS_HEIGHT + RATE_HEIGHT}px; }
    .empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--tg-muted); pointer-events: none; text-align: center; padding: 1rem; }
    .u-legend { display: none; }
  `];

  /** The controller's series; `version` tells this element to look at it again. */
  @property({ attribute: false }) series!: LossSeries;
  @property({ type: Number }) version = 0;
  @query('.loss') private lossHost!: HTMLDivElement;
  @query('.rate') private rateHost!: HTMLDivElement;

  private loss: uPlot | null = null;
  private rate: uPlot | null = null;
  private drawn = -1;
  private frame = 0;
  private resizer: ResizeObserver | null = null;

  override render() {
    const last = this.series?.latest();
    return html`
      <section class="panel" aria-labelledby="chart-h">
        <h2 id="chart-h">Loss</h2>
        <div class="legend stat" aria-live="off">
          <span style="--c: var(--tg-chart-train)">train ${fmt(last?.train)}</span>
          <span style="--c: var(--tg-chart-val)">validation ${fmt(last?.val)}</span>
          <span style="--c: var(--tg-chart-lr)">lr ${fmt(last?.lr, 3)}</span>
          <span style="--c: var(--tg-chart-tps)">tokens/s ${last ? Math.round(last.tps).toLocaleString('en-US') : '—'}</span>
        </div>
        <div class="plots" role="img" aria-label=${last ? `Loss chart: step ${last.step}, training loss ${fmt(last.train)}` : 'Loss chart, empty'}>
          <div class="loss"></div>
          <div class="rate"></div>
          ${this.series?.length ? nothing : html`<p class="empty">The curves appear here once a run starts.</p>`}
        </div>
      </section>
    `;
  }

  protected override firstUpdated(): void { this.createPlots(); }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM after a disconnect: the plots were destroyed, build them again.
    if (this.hasUpdated && !this.loss) this.createPlots();
  }

  private createPlots(): void {
    const style = getComputedStyle(this);
    const v = (name: string) => style.getPropertyValue(name).trim() || '#888';
    const axis = (scale: string, side: 0 | 1 | 2 | 3 = 3, values?: uPlot.Axis['values']): uPlot.Axis => ({
      scale, side, stroke: v('--tg-muted'), grid: { stroke: v('--tg-border'), width: 1 }, ticks: { stroke: v('--tg-border') }, values, size: 56,
      // Steps are whole numbers: no tick between two steps.
      ...(scale === 'x' ? { incrs: STEP_INCRS } : {}),
    });
    const width = this.lossHost.clientWidth || 600;
    const cursor: uPlot.Cursor = { sync: { key: 'tg-run' } };
    this.loss = new uPlot({
      width, height: LOSS_HEIGHT, cursor, legend: { show: false },
      scales: { x: { time: false } },
      axes: [axis('x', 2), axis('loss')],
      series: [
        { label: 'step' },
        { label: 'train', scale: 'loss', stroke: v('--tg-chart-train'), width: 1.5 },
        { label: 'validation', scale: 'loss', stroke: v('--tg-chart-val'), width: 2, spanGaps: true, points: { show: true, size: 5 } },
      ],
    }, [[], [], []], this.lossHost);
    this.rate = new uPlot({
      width, height: RATE_HEIGHT, cursor, legend: { show: false },
      scales: { x: { time: false } },
      axes: [axis('x', 2), axis('lr', 3, (_u, ticks) => ticks.map((t) => t.toExponential(0))), { ...axis('tps', 1), grid: { show: false } }],
      series: [
        { label: 'step' },
        { label: 'lr', scale: 'lr', stroke: v('--tg-chart-lr'), width: 1.5 },
        { label: 'tokens/s', scale: 'tps', stroke: v('--tg-chart-tps'), width: 1 },
      ],
    }, [[], [], []], this.rateHost);
    this.resizer = new ResizeObserver(() => {
      const w = this.lossHost.clientWidth;
      if (w > 0) {
        this.loss?.setSize({ width: w, height: LOSS_HEIGHT });
        this.rate?.setSize({ width: w, height: RATE_HEIGHT });
      }
    });
    this.resizer.observe(this.lossHost);
    this.drawn = -1;
    this.scheduleDraw();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('version') || changed.has('series')) this.scheduleDraw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizer?.disconnect();
    this.loss?.destroy();
    this.rate?.destroy();
    this.loss = this.rate = null;
  }

  /** Redraws on the next frame if the series changed since the last draw. */
  private scheduleDraw(): void {
    if (this.frame || !this.loss) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.series || this.series.version === this.drawn) return;
      this.drawn = this.series.version;
      const [step, train, val, lr, tps] = this.series.data();
      this.loss?.setData([step, train, val] as uPlot.AlignedData);
      this.rate?.setData([step, lr, tps] as uPlot.AlignedData);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'tg-loss-chart': TgLossChart }
}
