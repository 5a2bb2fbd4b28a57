// The loss chart's series: only reports with a training loss become points, a validation-only
// report lands on the point of the step it measured, and phase messages leave no trace.
import { describe, expect, it } from 'vitest';
import { LossSeries } from '../../src/ui/loss-series';
import type { EngineProgress } from '../../src/train/engine-types';

const step = (s: number, trainLoss: number): EngineProgress => ({ step: s, totalSteps: 10, trainLoss, lr: 1e-3, tokensPerSec: 100 });
const phase = (s: number, message: string): EngineProgress => ({ step: s, totalSteps: 10, trainLoss: NaN, lr: NaN, tokensPerSec: NaN, message });
const val = (s: number, valLoss: number): EngineProgress => ({ step: s, totalSteps: 10, trainLoss: NaN, valLoss, lr: NaN, tokensPerSec: NaN });

describe('LossSeries', () => {
  it('keeps phase messages out and puts validation on its step', () => {
    const s = new LossSeries();
    s.append([phase(0, 'tokenizing'), phase(0, 'compiling kernels')]);
    expect(s.length).toBe(0);
    s.append([step(5, 5.1), val(5, 5.0), step(10, 4.8)]);
    s.append([val(10, 4.7), val(3, 9)]);
    const [steps, train, vals, lr] = s.data();
    expect(Array.from(steps)).toEqual([5, 10]);
    expect(Array.from(train)).toEqual([5.1, 4.8]);
    expect(vals).toEqual([5.0, 4.7]);
    expect(Array.from(lr)).toEqual([1e-3, 1e-3]);
    expect(s.latest()).toMatchObject({ step: 10, train: 4.8, val: 4.7 });
  });

  it('bumps its version only when something changes', () => {
    const s = new LossSeries();
    const v0 = s.version;
    s.append([phase(0, 'tokenizing')]);
    expect(s.version).toBe(v0);
    s.append([step(1, 5)]);
    expect(s.version).toBe(v0 + 1);
    s.append([val(1, 4.9)]);
    expect(s.version).toBe(v0 + 2);
  });
});
