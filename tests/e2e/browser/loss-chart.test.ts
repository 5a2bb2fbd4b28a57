// <tg-loss-chart> with 100k points: appends go into typed arrays, redraws happen at most once
// per animation frame however many appends land in between, and a redraw of 100k points stays
// well inside a frame budget a person would call smooth. Timings are printed; the bound is loose.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LossSeries } from '../../../src/ui/loss-series';
import '../../../src/ui/tg-loss-chart';
import type { TgLossChart } from '../../../src/ui/tg-loss-chart';
import type { EngineProgress } from '../../../src/worker/engine-bridge';

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function points(from: number, n: number): EngineProgress[] {
  return Array.from({ length: n }, (_, i) => {
    const step = from + i;
    return { step, totalSteps: 100_000, trainLoss: 4 * Math.exp(-step / 20_000) + 0.3 * Math.random(), valLoss: step % 500 === 0 ? 3 * Math.exp(-step / 20_000) : undefined, lr: 1e-3, tokensPerSec: 5000 + Math.random() * 100 };
  });
}

let chart: TgLossChart;
let series: LossSeries;
let clears = 0;
const realClearRect = CanvasRenderingContext2D.prototype.clearRect;

beforeEach(async () => {
  clears = 0;
  // uPlot clears each canvas once per redraw: counting clears counts redraws.
  CanvasRenderingContext2D.prototype.clearRect = function (...args: [number, number, number, number]) { clears++; return realClearRect.apply(this, args); };
  series = new LossSeries();
  chart = document.createElement('tg-loss-chart');
  chart.series = series;
  chart.style.width = '900px';
  document.body.append(chart);
  await chart.updateComplete;
  await nextFrame();
  await nextFrame();
  clears = 0;
});

afterEach(() => {
  CanvasRenderingContext2D.prototype.clearRect = realClearRect;
  chart.remove();
});

it('coalesces many appends in one task into a single redraw', async () => {
  for (let i = 0; i < 50; i++) {
    series.append(points(i * 10, 10));
    chart.version = series.version;
  }
  await chart.updateComplete;
  await nextFrame();
  await nextFrame();
  expect(series.length).toBe(500);
  expect(clears).toBe(2); // the loss plot and the rate plot, once each
});

it('streams 100k points smoothly', async () => {
  const frameMs: number[] = [];
  let last = await nextFrame();
  for (let batch = 0; batch < 100; batch++) {
    series.append(points(batch * 1000, 1000));
    chart.version = series.version;
    const now = await nextFrame();
    frameMs.push(now - last);
    last = now;
  }
  await nextFrame();
  expect(series.length).toBe(100_000);
  const drawStart = performance.now();
  series.append(points(100_000, 1));
  chart.version = series.version;
  await nextFrame();
  const fullRedrawMs = performance.now() - drawStart;
  frameMs.sort((a, b) => a - b);
  const median = frameMs[50];
  const p95 = frameMs[95];
  console.log(`[loss-chart] frames while streaming to 100k points: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; one redraw at 100k points ${fullRedrawMs.toFixed(1)} ms; redraws ${clears / 2} for 101 appends`);
  expect(clears / 2).toBeLessThanOrEqual(102);
  expect(median).toBeLessThan(100);
  expect(fullRedrawMs).toBeLessThan(250);
  expect(chart.shadowRoot!.querySelector('.empty')).toBeNull();
});
