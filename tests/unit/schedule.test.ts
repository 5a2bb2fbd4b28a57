import { describe, it, expect } from 'vitest';
import { learningRate } from '../../src/train/schedule';

describe('learning-rate schedule', () => {
  const s = { maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly', () => {
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 4)).toBeCloseTo(5e-4, 12);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 12);
  });
  it('decays by cosine to minLr and stays there', () => {
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 60)).toBeCloseTo(5.5e-4, 12);
    expect(learningRate(s, 110)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 500)).toBeCloseTo(1e-4, 12);
  });
  it('is monotone after warmup', () => {
    for (let t = 10; t < 110; t++) expect(learningRate(s, t + 1)).toBeLessThanOrEqual(learningRate(s, t));
  });
});
