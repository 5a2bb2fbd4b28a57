// RL's CPU-side pieces: packing prompt + response rows (targets only on the response), row
// selection, grouping prompts by length, GRPO's group advantages, and settings validation.
import { describe, it, expect } from 'vitest';
import { packSequences, selectRows, groupByLength, groupAdvantages } from '../../src/train/rl/batch';
import { makeRlSettings, rolloutRows, adaptKlCoef } from '../../src/train/rl/settings';

describe('RL batches', () => {
  it('packs prompt ++ response with targets on the response tokens only', () => {
    const b = packSequences([[5, 6, 7], [9]], [[1, 2], [3, 4, 8]], 6);
    expect([...b.tokens]).toEqual([5, 6, 7, 1, 2, 0, 9, 3, 4, 8, 0, 0]);
    // Row t predicts token t + 1: the last prompt token predicts the first response token.
    expect([...b.targets]).toEqual([-1, -1, 1, 2, -1, -1, 3, 4, 8, -1, -1, -1]);
    expect(() => packSequences([[1, 2, 3]], [[4, 5, 6, 7]], 6)).toThrow(/exceed the training length 6/);
    expect(() => packSequences([[]], [[1]], 4)).toThrow(/at least one token/);
  });

  it('selects rows in the given order', () => {
    const b = packSequences([[1], [2], [3]], [[4], [5], [6]], 3);
    const s = selectRows(b, [2, 0]);
    expect(s.B).toBe(2);
    expect([...s.tokens]).toEqual([3, 6, 0, 1, 4, 0]);
    expect([...s.targets]).toEqual([6, -1, -1, 4, -1, -1]);
  });

  it('groups indices by length in first-seen order', () => {
    expect(groupByLength([[1, 2], [3], [4, 5], [6], [7, 8, 9]])).toEqual([[0, 2], [1, 3], [4]]);
  });

  it('GRPO advantages are normalised within each group; equal rewards give zero', () => {
    const a = groupAdvantages([1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5], 4);
    [1, -1, -1, 1].forEach((want, i) => expect(a[i]).toBeCloseTo(want, 5)); // (r − mean) / (std + 1e-6), std = ½
    expect([...a.subarray(4)]).toEqual([0, 0, 0, 0]);
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow(/groups of 2/);
  });
});

describe('RL settings', () => {
  it('fills defaults and rejects unknown keys, bad values and rollouts that do not split', () => {
    const s = makeRlSettings({ method: 'grpo', promptsPerStep: 4, groupSize: 4, minibatch: 8 });
    expect(rolloutRows(s)).toBe(16);
    expect(s.clip).toBe(0.2);
    expect(s.gamma).toBe(1);
    expect(s.lambda).toBe(0.95);
    expect(s.klCoef).toBe(0.05);
    expect(() => makeRlSettings({ klcoef: 1 } as never)).toThrow(/Unknown RL setting "klcoef"/);
    expect(() => makeRlSettings({ method: 'a2c' as never })).toThrow(/ppo, grpo or dpo/);
    expect(() => makeRlSettings({ lambda: 1.5 })).toThrow(/lambda must be a number from 0 to 1/);
    expect(() => makeRlSettings({ method: 'ppo', promptsPerStep: 10, minibatch: 4 })).toThrow(/must split into minibatches of 4/);
  });

  it('the adaptive KL controller raises β above the target, lowers it below, within ±20 % per horizon', () => {
    const s = makeRlSettings({ method: 'ppo', klTarget: 2, klHorizon: 100, promptsPerStep: 16, minibatch: 16 });
    expect(adaptKlCoef(s, 0.1, 3, 10)).toBeCloseTo(0.1 * (1 + 0.2 * 0.1), 12); // 50 % over: clipped to +20 %
    expect(adaptKlCoef(s, 0.1, 1.8, 10)).toBeCloseTo(0.1 * (1 - 0.1 * 0.1), 12);
    expect(adaptKlCoef(makeRlSettings({}), 0.1, 5, 10)).toBe(0.1); // no target: fixed β
  });
});
