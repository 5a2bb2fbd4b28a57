// Save, load and continue gives exactly the losses of an uninterrupted run, for SFT (stage 'sft')
// and the reward model (stage 'reward'): weights, head, AdamW moments, step and data order all
// survive the checkpoint. Also: an SFT run from a base checkpoint grows the vocabulary.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { makeConfig } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { CharTokenizer } from '../../src/tokenizer';
import { SftRun } from '../../src/train/sft';
import { RewardRun, readRewardCheckpoint } from '../../src/train/reward';
import { readCheckpoint } from '../../src/train/pretrain';
import { evalItems, preferencePairs, sftExamples, taskFamilies } from '../../src/tasks';

function baseCheckpoint() {
  const tokenizer = CharTokenizer.fromCorpus('abcdefghijklmnopqrstuvwxyz ARSHW0123456789?+-', { byteFallback: false });
  const config = makeConfig({ vocabSize: tokenizer.vocabSize, nLayer: 1, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 32 });
  const w = initParams(config, 2);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: w[p.name], shape: p.shape }]));
  return { bytes: encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), stage: 'pretrain', step: 0, params }), vocab: tokenizer.vocabSize };
}

const settings = { steps: 6, batchSize: 4, seqLen: 32, lr: 3e-3, warmupSteps: 2, evalEvery: 0, readEvery: 1, seed: 9 };
const collect = (into: Map<number, number>) => (p: { step: number; loss: number }) => into.set(p.step, p.loss);

describe('SFT and reward checkpoints', () => {
  it('SFT: continuing from a checkpoint reproduces the uninterrupted loss curve', async () => {
    const gpu = await testGpu();
    const { bytes: base, vocab } = baseCheckpoint();
    const families = taskFamilies('strings');
    const data = { train: sftExamples(families, 60, 1), evalItems: evalItems(families, 3, 2) };

    const straight = new Map<number, number>();
    const a = SftRun.fromCheckpoint(gpu, base, data, { settings });
    expect(a.config.vocabSize).toBe(vocab + 4);
    await a.run({ onProgress: collect(straight) });
    a.destroy();

    const resumed = new Map<number, number>();
    const b1 = SftRun.fromCheckpoint(gpu, base, data, { settings });
    await b1.run({ steps: 3, onProgress: collect(resumed) });
    const bytes = await b1.checkpoint();
    b1.destroy();
    const ck = readCheckpoint(bytes);
    expect(ck.stage).toBe('sft');
    expect(ck.config.vocabSize).toBe(vocab + 4);
    const b2 = SftRun.fromCheckpoint(gpu, bytes, data);
    expect(b2.step).toBe(3);
    await b2.run({ onProgress: collect(resumed) });
    const reply = await b2.exactMatch();
    expect(reply.total).toBe(3);
    b2.destroy();

    expect([...straight.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...resumed.keys()]).toEqual([...straight.keys()]);
    for (const [step, loss] of straight) expect(resumed.get(step), `step ${step}`).toBe(loss); // bit-identical
  });

  it('reward: continuing from a checkpoint reproduces the uninterrupted loss curve', async () => {
    const gpu = await testGpu();
    const { bytes: base } = baseCheckpoint();
    const families = taskFamilies('arithmetic');
    const data = { train: preferencePairs(families, { split: 'train', count: 40, seed: 1 }), heldout: preferencePairs(families, { split: 'heldout', count: 5, seed: 2 }) };
    const rmSettings = { ...settings, batchSize: 2 };

    const straight = new Map<number, number>();
    const a = RewardRun.fromCheckpoint(gpu, base, data, { settings: rmSettings });
    await a.run({ onProgress: collect(straight) });
    a.destroy();

    const resumed = new Map<number, number>();
    const b1 = RewardRun.fromCheckpoint(gpu, base, data, { settings: rmSettings });
    await b1.run({ steps: 3, onProgress: collect(resumed) });
    const bytes = await b1.checkpoint();
    b1.destroy();
    const ck = readRewardCheckpoint(bytes);
    expect(ck.stage).toBe('reward');
    expect(ck.params['reward_head.weight'].shape).toEqual([1, 32]);
    expect(ck.optimizer?.m['reward_head.bias'].length).toBe(1);
    expect(() => readCheckpoint(bytes)).toThrow(/reward_head/); // the plain model reader does not know the head
    const b2 = RewardRun.fromCheckpoint(gpu, bytes, data);
    expect(b2.step).toBe(3);
    await b2.run({ onProgress: collect(resumed) });
    const m = await b2.evaluate();
    expect(m.pairs).toBe(5);
    b2.destroy();

    expect([...straight.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...resumed.keys()]).toEqual([...straight.keys()]);
    for (const [step, loss] of straight) expect(resumed.get(step), `step ${step}`).toBe(loss);
  });
});
