// End to end on a small model: a brief SFT on a built-in task (reversing 3-letter words) gives a
// chat model that answers right greedily but only sometimes when sampling; RL from it must
//   GRPO  raise held-out sampled accuracy (the verifiable grader as reward),
//   PPO   do the same with a value head while the KL to the reference stays bounded (β = 0.1),
//   DPO   raise the implicit reward accuracy on held-out preference pairs.
// The SFT checkpoint is made once and shared. Deterministic on one adapter (fixed seeds, no atomics).
// Thresholds are well inside the measured gains (printed), which vary a little between adapters.
// A long run (*-e2e): vitest.config.ts sends it to llvmpipe, where it takes 25–65 s here; on
// SwiftShader it takes about 5 minutes (its decode attention and training kernels are slower).
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { sftCheckpoint } from './rl-setup';
import { stringFamily } from '../../src/tasks/strings';
import { RlRun, type RlProgress } from '../../src/train/rl/run';
import { builtinTask } from '../../src/train/rl/tasks';
import type { RlSettings } from '../../src/train/rl/settings';
import type { Gpu } from '../../src/gpu/gpu';

const families = [stringFamily({ kinds: ['reverse'], minLength: 3, maxLength: 3, alphabet: 'abcdef' })];
const task = builtinTask(families);
let sft: Promise<Uint8Array> | null = null;
const fmt = (x: number) => x.toFixed(3);

/** The shared starting point: 100 SFT steps on the task's train split. */
function startingModel(gpu: Gpu): Promise<Uint8Array> {
  sft ??= sftCheckpoint(gpu, families, { steps: 100, lr: 3e-3, batchSize: 16, seed: 3, model: { nLayer: 2, dModel: 64, nHead: 4, nKvHead: 4, contextLength: 24 } })
    .then(({ bytes, seconds }) => { console.log(`[rl] SFT start model: 100 steps in ${seconds.toFixed(0)} s`); return bytes; });
  return sft;
}

async function train(gpu: Gpu, settings: Partial<RlSettings>) {
  const run = RlRun.fromCheckpoint(gpu, await startingModel(gpu), { task, settings: { maxNewTokens: 5, evalPrompts: 128, seed: 1, ...settings } });
  const before = { greedy: await run.heldoutAccuracy({ temperature: 0 }), sampled: await run.heldoutAccuracy({ temperature: 1 }) };
  const log: RlProgress[] = [];
  const t0 = performance.now();
  return {
    run, before, log,
    async go() {
      await run.run({ onProgress: (p) => log.push(p) });
      const seconds = (performance.now() - t0) / 1000;
      const after = { greedy: await run.heldoutAccuracy({ temperature: 0 }), sampled: await run.heldoutAccuracy({ temperature: 1 }) };
      return { after, seconds };
    },
  };
}

describe('RL learns on a built-in task', () => {
  // Its own test so that the SFT's time does not count against the first RL test's timeout.
  it('the starting model answers right greedily but not reliably when sampling (room to improve)', async () => {
    const gpu = await testGpu();
    const run = RlRun.fromCheckpoint(gpu, await startingModel(gpu), { task, settings: { method: 'grpo', klCoef: 0, maxNewTokens: 5, evalPrompts: 128 } });
    const greedy = await run.heldoutAccuracy({ temperature: 0 }), sampled = await run.heldoutAccuracy({ temperature: 1 });
    console.log(`[rl] start model held-out accuracy greedy ${fmt(greedy)}, sampled ${fmt(sampled)}`);
    expect(greedy).toBeGreaterThanOrEqual(0.8);
    expect(sampled).toBeLessThanOrEqual(0.6);
    run.destroy();
  });

  it('GRPO (G = 8, k3 KL β = 0.05) raises held-out sampled accuracy', async () => {
    const gpu = await testGpu();
    const t = await train(gpu, { method: 'grpo', steps: 12, promptsPerStep: 8, groupSize: 8, minibatch: 32, epochs: 2, lr: 2e-3, klCoef: 0.05 });
    const { after, seconds } = await t.go();
    const scores = t.log.map((p) => p.pg!.meanScore);
    console.log(`[grpo] held-out accuracy greedy ${fmt(t.before.greedy)} -> ${fmt(after.greedy)}, sampled ${fmt(t.before.sampled)} -> ${fmt(after.sampled)}; `
      + `train reward ${fmt(scores[0])} -> ${fmt(scores[scores.length - 1])}; max KL ${fmt(Math.max(...t.log.map((p) => p.pg!.kl)))} nats; ${seconds.toFixed(0)} s`);
    expect(after.sampled).toBeGreaterThanOrEqual(t.before.sampled + 0.15);
    expect(after.greedy).toBeGreaterThanOrEqual(t.before.greedy - 0.05);
    t.run.destroy();
  });

  it('PPO (value head, GAE, β = 0.1) raises held-out sampled accuracy with the KL to the reference bounded', async () => {
    const gpu = await testGpu();
    const t = await train(gpu, { method: 'ppo', steps: 16, promptsPerStep: 32, minibatch: 16, epochs: 2, lr: 1.5e-3, klCoef: 0.1 });
    const { after, seconds } = await t.go();
    const kls = t.log.map((p) => p.pg!.kl), valueLoss = t.log.map((p) => p.pg!.valueLoss);
    console.log(`[ppo] held-out accuracy greedy ${fmt(t.before.greedy)} -> ${fmt(after.greedy)}, sampled ${fmt(t.before.sampled)} -> ${fmt(after.sampled)}; `
      + `KL per step ${kls.map(fmt).join(' ')}; value loss ${fmt(valueLoss[0])} -> ${fmt(valueLoss[valueLoss.length - 1])}; ${seconds.toFixed(0)} s`);
    expect(Math.max(...kls)).toBeLessThan(2); // nats per response (~4 tokens); measured max is printed
    expect(after.sampled).toBeGreaterThanOrEqual(t.before.sampled + 0.1);
    expect(after.greedy).toBeGreaterThanOrEqual(t.before.greedy - 0.05);
    t.run.destroy();
  });

  it('DPO raises the implicit reward accuracy on held-out preference pairs', async () => {
    const gpu = await testGpu();
    const t = await train(gpu, { method: 'dpo', steps: 20, pairsPerStep: 16, lr: 2e-4, dpoBeta: 0.1 });
    const prefBefore = await t.run.heldoutPreference();
    const { after, seconds } = await t.go();
    const prefAfter = await t.run.heldoutPreference();
    console.log(`[dpo] held-out implicit reward accuracy ${fmt(prefBefore.accuracy)} -> ${fmt(prefAfter.accuracy)}, margin ${fmt(prefBefore.margin)} -> ${fmt(prefAfter.margin)}, `
      + `loss ${fmt(prefBefore.loss)} -> ${fmt(prefAfter.loss)}; task accuracy greedy ${fmt(t.before.greedy)} -> ${fmt(after.greedy)}, sampled ${fmt(t.before.sampled)} -> ${fmt(after.sampled)}; ${seconds.toFixed(0)} s`);
    expect(prefBefore.accuracy).toBe(0.5); // policy = reference: every implicit reward is 0, ties count ½
    expect(prefAfter.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(prefAfter.margin).toBeGreaterThan(0);
    expect(prefAfter.loss).toBeLessThan(prefBefore.loss);
    t.run.destroy();
  });
});
