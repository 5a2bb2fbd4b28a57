// The run's curves, kept in growable typed arrays so 100k+ points cost little to append and
// nothing to hand to uPlot (it reads subarray views; no copies per frame).
// Validation loss is measured only now and then, so it is a plain array with null gaps
// (uPlot draws null as a gap; NaN would corrupt its min/max).
import type { EngineProgress } from '../worker/engine-bridge';

export type SeriesData = [Float64Array, Float64Array, (number | null)[], Float64Array, Float64Array];

export class LossSeries {
  length = 0;
  /** Bumped on every change, so views can tell whether to redraw. */
  version = 0;
  private step = new Float64Array(1024);
  private train = new Float64Array(1024);
  private lr = new Float64Array(1024);
  private tps = new Float64Array(1024);
  private val: (number | null)[] = [];

  /** Appends the reports with a training loss; a validation-only report fills in the validation
   *  loss of its step's point; phase messages (no losses) are not points. */
  append(points: readonly EngineProgress[]): void {
    const before = this.version;
    this.reserve(this.length + points.length);
    for (const p of points) {
      if (!Number.isFinite(p.trainLoss)) {
        const last = this.length - 1;
        if (p.valLoss !== undefined && last >= 0 && this.step[last] === p.step) { this.val[last] = p.valLoss; this.version = before + 1; }
        continue;
      }
      this.version = before + 1;
      const i = this.length++;
      this.step[i] = p.step;
      this.train[i] = p.trainLoss;
      this.lr[i] = p.lr;
      this.tps[i] = p.tokensPerSec;
      this.val.push(p.valLoss ?? null);
    }
  }

  clear(): void {
    this.length = 0;
    this.val = [];
    this.version++;
  }

  /** [step, train loss, val loss, lr, tokens/s], as uPlot's aligned data. */
  data(): SeriesData {
    const n = this.length;
    return [this.step.subarray(0, n), this.train.subarray(0, n), this.val, this.lr.subarray(0, n), this.tps.subarray(0, n)];
  }

  /** The latest value of each curve (validation: the latest measured), for the legend. */
  latest(): { step: number; train: number; val: number | null; lr: number; tps: number } | null {
    const i = this.length - 1;
    if (i < 0) return null;
    let val: number | null = null;
    for (let j = i; j >= 0 && val === null; j--) val = this.val[j];
    return { step: this.step[i], train: this.train[i], val, lr: this.lr[i], tps: this.tps[i] };
  }

  private reserve(n: number): void {
    if (n <= this.step.length) return;
    let cap = this.step.length;
    while (cap < n) cap *= 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.step = grow(this.step);
    this.train = grow(this.train);
    this.lr = grow(this.lr);
    this.tps = grow(this.tps);
  }
}
