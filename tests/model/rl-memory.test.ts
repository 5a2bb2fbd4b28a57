// The RL memory plan against what the engine really allocates (the buffer pool's byte count), and
// the limit check's verdicts.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { Gpt } from '../../src/model/gpt';
import { PgTrainer } from '../../src/train/rl/pg';
import { DpoTrainer } from '../../src/train/rl/dpo';
import { makeRlSettings, type RlSettings } from '../../src/train/rl/settings';
import { rlMemoryPlan, rlMemoryCheck } from '../../src/train/rl/memory';
import type { Gpu } from '../../src/gpu/gpu';

const config = presetConfig('tiny', { ...LLAMA_STYLE, nLayer: 2, dModel: 64, nHead: 4, nKvHead: 2, vocabSize: 61, contextLength: 40 });

/** Bytes the pool allocates while `make` builds a setup (idle buffers trimmed first, so nothing is reused). */
function allocated(gpu: Gpu, make: () => () => void): number {
  gpu.pool.trim();
  const before = gpu.pool.allocatedBytes;
  const destroy = make();
  const bytes = gpu.pool.allocatedBytes - before;
  destroy();
  return bytes;
}

describe('RL memory plan', () => {
  for (const method of ['ppo', 'grpo', 'dpo'] as const) {
    it(`${method}: the plan is within the pool's rounding of what is allocated`, async () => {
      const gpu = await testGpu();
      const s: RlSettings = makeRlSettings({ method, promptsPerStep: 8, groupSize: 4, minibatch: 8, pairsPerStep: 6 });
      const T = 29;
      const plan = rlMemoryPlan({ config, settings: s, T, reference: true });
      const actual = allocated(gpu, () => {
        const w = initParams(config, 1);
        const policy = new Gpt(gpu, config, w), reference = new Gpt(gpu, config, w);
        const trainer = method === 'dpo' ? new DpoTrainer(gpu, policy, reference, s, T) : new PgTrainer(gpu, policy, reference, s, T);
        return () => { trainer.destroy(); reference.destroy(); policy.destroy(); };
      });
      console.log(`[rl memory] ${method}: planned ${plan.total} B, allocated ${actual} B (${(actual / plan.total).toFixed(3)}×)`);
      // Pool size classes round each buffer up by at most 19% (quarter powers of two, 16-byte minimum).
      expect(actual).toBeGreaterThanOrEqual(plan.total);
      expect(actual).toBeLessThanOrEqual(1.2 * plan.total + 4096);
    });
  }

  it('the check reports buffers over the limits and totals over a budget', async () => {
    const gpu = await testGpu();
    const plan = rlMemoryPlan({ config, settings: makeRlSettings({ method: 'grpo' }), T: 30, reference: true });
    expect(rlMemoryCheck(gpu.limits, plan).fits).toBe(true);
    const small = { ...gpu.limits, maxBufferSize: 1024, maxStorageBufferBindingSize: 1024 } as GPUSupportedLimits;
    const tight = rlMemoryCheck(small, plan);
    expect(tight.fits).toBe(false);
    expect(tight.problems.join('\n')).toMatch(/the logits of .* tokens needs one buffer of/);
    const budget = rlMemoryCheck(gpu.limits, plan, plan.total - 1);
    expect(budget.fits).toBe(false);
    expect(budget.problems[0]).toMatch(/more than the .* budget/);
    expect(budget.summary).toMatch(/total/);
  });
});
