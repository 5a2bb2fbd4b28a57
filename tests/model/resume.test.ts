// Save, load and continue gives exactly the losses of an uninterrupted run (same adapter):
// weights, AdamW moments, step, schedule and data order all survive the checkpoint.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { presetConfig } from '../../src/model/config';
import { PretrainRun } from '../../src/train/pretrain';
import { generateCorpus } from '../../src/data/corpus';
import { CharTokenizer } from '../../src/tokenizer';
import { CheckpointError } from '../../src/checkpoint/safetensors-errors';

describe('checkpoint and resume', () => {
  it('continuing from a checkpoint reproduces the uninterrupted loss curve', async () => {
    const gpu = await testGpu();
    const text = generateCorpus({ bytes: 60_000 });
    const tokenizer = CharTokenizer.fromCorpus(text);
    const tokens = Int32Array.from(tokenizer.encode(text));
    const config = presetConfig('tiny', { dModel: 64, nHead: 4, nKvHead: 4, contextLength: 32, vocabSize: tokenizer.vocabSize });
    const settings = { steps: 12, batchSize: 4, warmupSteps: 3, lr: 3e-3, evalEvery: 0, readEvery: 1, seed: 42 };
    const collect = (into: Map<number, number>) => (p: { step: number; loss: number }) => into.set(p.step, p.loss);

    const straight = new Map<number, number>();
    const a = PretrainRun.create(gpu, { config, tokenizer, tokens, settings });
    await a.run({ onProgress: collect(straight) });
    a.destroy();

    const resumed = new Map<number, number>();
    const b1 = PretrainRun.create(gpu, { config, tokenizer, tokens, settings });
    await b1.run({ steps: 6, onProgress: collect(resumed) });
    const bytes = await b1.checkpoint();
    b1.destroy();
    const b2 = PretrainRun.fromCheckpoint(gpu, bytes, { tokens });
    expect(b2.step).toBe(6);
    await b2.run({ onProgress: collect(resumed) });
    b2.destroy();

    expect([...straight.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...resumed.keys()]).toEqual([...straight.keys()]);
    for (const [step, loss] of straight) expect(resumed.get(step), `step ${step}`).toBe(loss); // bit-identical
  });

  it('a corrupted checkpoint is rejected with a specific error', async () => {
    const gpu = await testGpu();
    const text = generateCorpus({ bytes: 5_000 });
    const tokenizer = CharTokenizer.fromCorpus(text);
    const tokens = Int32Array.from(tokenizer.encode(text));
    const config = presetConfig('tiny', { dModel: 32, nHead: 2, nKvHead: 2, nLayer: 1, contextLength: 16, vocabSize: tokenizer.vocabSize });
    const run = PretrainRun.create(gpu, { config, tokenizer, tokens, settings: { steps: 1, batchSize: 2, evalEvery: 0 } });
    const bytes = await run.checkpoint();
    run.destroy();
    const truncated = bytes.slice(0, bytes.length - 8);
    expect(() => PretrainRun.fromCheckpoint(gpu, truncated, { tokens })).toThrow(CheckpointError);
    const wrongData = Int32Array.from(tokens.subarray(0, tokens.length - 50));
    expect(() => PretrainRun.fromCheckpoint(gpu, bytes, { tokens: wrongData })).toThrow(/differ from the data/);
  });
});
