// A learned reward model as RL's reward: a checkpoint of the reward stage (src/train/reward.ts)
// loads as RewardModel, scores prompt + response exactly as the reward stage scores the same
// conversations, and drives a PPO step.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { sftCheckpoint } from './rl-setup';
import { stringFamily } from '../../src/tasks/strings';
import { preferencePairs } from '../../src/tasks';
import { RewardRun } from '../../src/train/reward';
import { RewardModel } from '../../src/train/rl/reward';
import { RlRun } from '../../src/train/rl/run';
import { builtinTask } from '../../src/train/rl/tasks';
import { chatTemplate } from '../../src/data/chat/template';
import { pairIds } from '../../src/train/rl/pairs';
import { tokenizerFromJSON } from '../../src/tokenizer';

describe('reward model as the RL reward', () => {
  it('scores like the reward stage and drives a PPO step', async () => {
    const gpu = await testGpu();
    const families = [stringFamily({ kinds: ['reverse'], minLength: 3, maxLength: 3, alphabet: 'abcdef' })];
    const { bytes: sft } = await sftCheckpoint(gpu, families, { steps: 2, lr: 1e-3, batchSize: 4, seed: 5, model: { nLayer: 1, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 24 } });
    const train = preferencePairs(families, { split: 'train', count: 16, seed: 1 });
    const heldout = preferencePairs(families, { split: 'heldout', count: 6, seed: 2 });
    const rr = RewardRun.fromCheckpoint(gpu, sft, { train, heldout }, { settings: { steps: 3, batchSize: 4, seqLen: 20, evalEvery: 0, seed: 1 } });
    await rr.run();
    const metrics = await rr.evaluate(heldout);
    const rmBytes = await rr.checkpoint(false);
    rr.destroy();

    const rmCk = RewardModel.read(rmBytes);
    const rm = RewardModel.load(gpu, rmCk);
    const ids = pairIds(chatTemplate(tokenizerFromJSON(rmCk.tokenizer as never)), heldout);
    const T = 20;
    const chosen = await rm.score(ids.map((p) => p.prompt), ids.map((p) => p.chosen), 4, T);
    const rejected = await rm.score(ids.map((p) => p.prompt), ids.map((p) => p.rejected), 4, T);
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    console.log(`[rl reward] chosen ${mean(chosen).toFixed(5)} vs ${metrics.chosen.mean.toFixed(5)}, rejected ${mean(rejected).toFixed(5)} vs ${metrics.rejected.mean.toFixed(5)}`);
    // Same model, same tokens, same position (the closing <|end|>): equal up to f32 rounding.
    expect(Math.abs(mean(chosen) - metrics.chosen.mean)).toBeLessThan(1e-5);
    expect(Math.abs(mean(rejected) - metrics.rejected.mean)).toBeLessThan(1e-5);
    expect(chosen.filter((c, i) => c > rejected[i]).length / chosen.length).toBeCloseTo(metrics.accuracy, 6);
    rm.destroy();

    const run = RlRun.fromCheckpoint(gpu, sft, { task: builtinTask(families), rewardModel: rmBytes,
      settings: { method: 'ppo', steps: 1, promptsPerStep: 4, minibatch: 4, epochs: 1, maxNewTokens: 4, evalPrompts: 4 } });
    let step: { meanScore: number; kl: number; valueLoss: number } | undefined;
    await run.run({ onProgress: (p) => { step = p.pg; } });
    expect(step).toBeDefined();
    expect(Number.isFinite(step!.meanScore) && Number.isFinite(step!.valueLoss)).toBe(true);
    expect(step!.meanScore).not.toBe(0); // a learned score, not the grader's 0/1 on an untrained model
    run.destroy();
    expect(() => RlRun.fromCheckpoint(gpu, sft, { task: builtinTask(families), rewardModel: sft, settings: { method: 'ppo', promptsPerStep: 4, minibatch: 4 } })).toThrow(/stage sft/);
  });
});
