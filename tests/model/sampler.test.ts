// The KV-cached sampler, one sequence and batched: greedy tokens agree with the argmax of a full
// forward pass over the same sequence, a batch gives each row what generating it alone gives (with
// either prefill), and sampling is repeatable and stops per row.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { presetConfig, LLAMA_STYLE, type ModelConfig } from '../../src/model/config';
import { Gpt } from '../../src/model/gpt';
import { LmHead } from '../../src/model/heads';
import { KvSampler } from '../../src/model/sampler';
import { planActivations, releaseActivations } from '../../src/model/activations';
import { randomParams } from '../oracle/fixtures';
import type { Gpu } from '../../src/gpu/gpu';

const STYLES: Record<string, ModelConfig> = {
  gpt2: presetConfig('tiny', { nLayer: 2, dModel: 32, nHead: 2, nKvHead: 2, vocabSize: 29, contextLength: 24 }),
  llama: presetConfig('tiny', { ...LLAMA_STYLE, nLayer: 2, dModel: 32, nHead: 4, nKvHead: 2, vocabSize: 29, contextLength: 24 }),
};

/** Logits (T, V) of a full forward pass over one sequence. */
async function fullLogits(gpu: Gpu, model: Gpt, seq: number[]): Promise<Float32Array> {
  const T = seq.length, V = model.config.vocabSize;
  const acts = planActivations(gpu, model.config, 1, T);
  const head = new LmHead(model, T);
  const tok = gpu.upload(Int32Array.from(seq)), tgt = gpu.upload(new Int32Array(T).fill(-1));
  const enc = gpu.encoder('full-forward');
  model.forward(enc, acts, tok);
  head.forward(enc, acts, tgt);
  enc.submit();
  const logits = await gpu.readF32(head.logits, T * V);
  head.destroy(); releaseActivations(gpu, acts); gpu.release(tok, tgt);
  return logits;
}

const argmax = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);

describe('KV sampler', () => {
  for (const [style, config] of Object.entries(STYLES)) {
    it(`${style}: batched greedy decoding equals one-at-a-time decoding and the full forward's argmax`, async () => {
      const gpu = await testGpu();
      const model = new Gpt(gpu, config, randomParams(config, 5));
      const sampler = new KvSampler(model, config.contextLength, 3);
      const prompts = [[1, 2, 3, 4, 5], [7, 7, 0, 28, 9], [3, 1, 4, 1, 5]];
      const opts = { temperature: 0, topK: 0, topP: 1, maxTokens: 7, seed: 1 };
      const batch = await sampler.generateBatch(prompts, opts);
      // Prefill by forward passes over lent activations (2 rows at a time: chunked) gives the same.
      const acts = planActivations(gpu, config, 2, 8);
      const lent = new KvSampler(model, config.contextLength, 3, acts);
      expect(await lent.generateBatch(prompts, opts)).toEqual(batch);
      lent.destroy(); releaseActivations(gpu, acts);
      for (let b = 0; b < prompts.length; b++) {
        expect(batch[b], `row ${b}`).toEqual(await sampler.generate(prompts[b], opts));
        const seq = [...prompts[b], ...batch[b]];
        const logits = await fullLogits(gpu, model, seq);
        const V = config.vocabSize;
        for (let i = 0; i < batch[b].length; i++) {
          const t = prompts[b].length - 1 + i;
          expect(batch[b][i], `row ${b} token ${i}`).toBe(argmax(logits.subarray(t * V, (t + 1) * V)));
        }
      }
      sampler.destroy(); model.destroy();
    });
  }

  it('sampling a batch is repeatable, stops each row on its own, and checks its inputs', async () => {
    const gpu = await testGpu();
    const config = STYLES.gpt2;
    const model = new Gpt(gpu, config, randomParams(config, 8));
    const sampler = new KvSampler(model, config.contextLength, 4);
    const prompts = [[1, 2], [3, 4], [5, 6], [7, 8]];
    const stopId = 3;
    const opts = { temperature: 1, topK: 0, topP: 1, maxTokens: 12, seed: 42, shouldStop: (ids: number[]) => ids[ids.length - 1] === stopId };
    const a = await sampler.generateBatch(prompts, opts);
    const b = await sampler.generateBatch(prompts, opts);
    expect(a).toEqual(b);
    for (const ids of a) {
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(12);
      const stopAt = ids.indexOf(stopId);
      if (stopAt >= 0) expect(stopAt).toBe(ids.length - 1); // nothing after the stop token
      else expect(ids.length).toBe(12);
    }
    await expect(sampler.generateBatch([[1, 2], [3]], opts)).rejects.toThrow(/same length/);
    await expect(sampler.generateBatch([[1], [2], [3], [4], [5]], opts)).rejects.toThrow(/exceeds the sampler's batch size/);
    await expect(sampler.generateBatch([[1, 2]], { ...opts, maxTokens: 40 })).rejects.toThrow(/exceed the sampler's context/);
    sampler.destroy(); model.destroy();
  });
});
