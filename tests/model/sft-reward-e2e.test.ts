// End to end on a very small model: SFT from a randomly initialised model on a built-in task (sort
// the letters of a 3-letter word), then a reward model from that SFT checkpoint on the same task's
// preference pairs (chosen: sorted; rejected: two neighbouring letters swapped).
// Why from random init: sorting three letters is learnable from SFT alone in ~100 steps at this
// size, while a pretrained base would cost hundreds of pretraining steps on a software adapter.
// The base model's exact match is measured, not assumed. Held-out questions and pairs are disjoint
// from the training ones (src/tasks splits by problem).
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { makeConfig } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { CharTokenizer } from '../../src/tokenizer';
import { SftRun } from '../../src/train/sft';
import { RewardRun } from '../../src/train/reward';
import { stringFamily } from '../../src/tasks/strings';
import { evalItems, preferencePairs, sftExamples } from '../../src/tasks';

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

describe('SFT and reward model, end to end', () => {
  it('SFT lifts held-out exact match far above the base model; the reward model ranks ≥ 90% of held-out pairs', async () => {
    const gpu = await testGpu();
    const alphabet = 'abcdefgh';
    const family = [stringFamily({ kinds: ['sort'], minLength: 3, maxLength: 3, alphabet })];
    const tokenizer = CharTokenizer.fromCorpus(`${alphabet} Sort`, { byteFallback: false });
    const config = makeConfig({ vocabSize: tokenizer.vocabSize, nLayer: 2, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 16 });
    const w = initParams(config, 1);
    const base = encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), stage: 'pretrain', step: 0,
      params: Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: w[p.name], shape: p.shape }])) });

    let t0 = performance.now();
    const sft = SftRun.fromCheckpoint(gpu, base, { train: sftExamples(family, 2000, 1), evalItems: evalItems(family, 40, 2) }, {
      settings: { steps: 150, batchSize: 32, seqLen: 16, lr: 1e-2, minLr: 1e-3, warmupSteps: 10, evalEvery: 0, readEvery: 20 },
      options: { packing: false, maxReplyTokens: 5 },
    });
    const before = await sft.exactMatch();
    await sft.run();
    const after = await sft.exactMatch();
    const heldoutLoss = await sft.evaluate();
    console.log(`[sft e2e] exact match before ${before.correct}/${before.total}, after ${after.correct}/${after.total}; held-out loss ${heldoutLoss?.toFixed(4)}; ${seconds(t0)} s`);
    console.log(`[sft e2e] replies: ${after.replies.slice(0, 6).map((r) => `${r.question} -> ${r.got}`).join(', ')}`);
    expect(before.accuracy).toBeLessThan(0.1);
    expect(after.accuracy - before.accuracy).toBeGreaterThan(0.5);
    const sftBytes = await sft.checkpoint(false);
    sft.destroy();

    t0 = performance.now();
    const data = { train: preferencePairs(family, { split: 'train', count: 2000, seed: 3 }), heldout: preferencePairs(family, { split: 'heldout', count: 80, seed: 4 }) };
    const settings = { steps: 150, batchSize: 16, seqLen: 16, lr: 3e-3, minLr: 3e-4, warmupSteps: 10, evalEvery: 0, readEvery: 20 };
    const rm = RewardRun.fromCheckpoint(gpu, sftBytes, data, { settings });
    const start = await rm.evaluate();
    await rm.run();
    const end = await rm.evaluate();
    const f = (x: number) => x.toFixed(3);
    console.log(`[reward e2e] held-out pairwise accuracy ${f(start.accuracy)} -> ${f(end.accuracy)} on ${end.pairs} pairs; margin ${f(end.meanMargin)}; `
      + `chosen ${f(end.chosen.mean)} ± ${f(end.chosen.std)}, rejected ${f(end.rejected.mean)} ± ${f(end.rejected.std)}; ${seconds(t0)} s`);
    expect(end.pairs).toBe(80);
    expect(end.accuracy).toBeGreaterThanOrEqual(0.9);

    // The reward checkpoint keeps the head: reloaded, it scores the held-out pairs identically.
    const bytes = await rm.checkpoint();
    rm.destroy();
    const again = RewardRun.fromCheckpoint(gpu, bytes, data, { settings });
    expect(again.step).toBe(150);
    expect(await again.evaluate()).toEqual(end);
    again.destroy();
  });
});
