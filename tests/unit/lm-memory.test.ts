// The LM training memory plan (src/train/lm-memory.ts): sizes from the config, and refusals that
// come before anything is built, with the numbers.
import { describe, expect, it } from 'vitest';
import { lmMemoryPlan, checkLmMemory } from '../../src/train/lm-memory';
import { presetConfig, makeConfig } from '../../src/model/config';
import { paramSpecs, numel } from '../../src/model/params';

// Limits of the kind a software adapter reports (llvmpipe here binds at most 128 MiB as storage).
const SOFTWARE = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 } as GPUSupportedLimits;

describe('LM training memory plan', () => {
  it('counts weights, gradients and both AdamW moments from the parameter list', () => {
    const c = presetConfig('tiny', { vocabSize: 300 });
    const P = paramSpecs(c).reduce((a, p) => a + numel(p.shape), 0);
    const plan = lmMemoryPlan(c, 4, 64);
    const byName = Object.fromEntries(plan.items.map((i) => [i.name, i.bytes]));
    expect([byName.weights, byName.gradients, byName['AdamW moments']]).toEqual([4 * P, 4 * P, 8 * P]);
    expect(byName.logits).toBe(4 * 4 * 64 * (300 + 3));
    expect(plan.total).toBe(plan.items.reduce((a, i) => a + i.bytes, 0));
  });

  it('refuses the gpt2 preset at batch 8 on a software adapter (its logits cannot be bound)', () => {
    const c = presetConfig('gpt2');
    expect(() => checkLmMemory(SOFTWARE, lmMemoryPlan(c, 8, 1024))).toThrow(/^The logits of 8192 tokens needs one buffer of 1.53 GiB, but this GPU allows at most 1.00 GiB per buffer/);
  });

  it('refuses dModel 8192 by its weight sizes, without building anything', () => {
    const c = makeConfig({ dModel: 8192, nHead: 64, nKvHead: 64 });
    const t = performance.now();
    expect(() => checkLmMemory(SOFTWARE, lmMemoryPlan(c, 8, 64))).toThrow(/The MLP's fc weight needs to bind 1.00 GiB as storage/);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('refuses a total above the budget, listing every part', () => {
    const c = presetConfig('tiny');
    expect(() => checkLmMemory(SOFTWARE, lmMemoryPlan(c, 8, 64), 2 ** 20)).toThrow(/^This run needs [\d.]+ MiB of GPU memory \(weights .*, gradients .*, AdamW moments .*, activations \(8 × 64\) .*, logits .*, batch .*\), more than the 1.00 MiB budget/);
    expect(checkLmMemory(SOFTWARE, lmMemoryPlan(c, 8, 64), 2 ** 30)).toBe(lmMemoryPlan(c, 8, 64).total);
  });
});
