// Flat parameter storage (model/param-layout.ts + the grouped AdamW): a model split over several
// segment buffers trains like one in a single segment, the optimizer's dispatches per step do not
// grow with the number of tensors, and moments still read and load by tensor name.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { presetConfig, LLAMA_STYLE, type ModelConfig } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { Gpt } from '../../src/model/gpt';
import { LmTrainer } from '../../src/train/lm-trainer';
import { AdamW, DEFAULT_ADAMW } from '../../src/train/optimizer';
import { randomBatch } from '../oracle/fixtures';
import { embeddingBuckets } from '../../src/kernels/embedding';

const config = (nLayer: number, extra = {}): ModelConfig => presetConfig('tiny', { nLayer, dModel: 64, nHead: 4, nKvHead: 4, contextLength: 16, vocabSize: 37, ...extra });
const B = 2, T = 16;

describe('flat parameter storage', () => {
  for (const [style, extra] of [['gpt2', {}], ['llama', { ...LLAMA_STYLE, nKvHead: 2 }]] as const) {
    it(`${style}: a model split over several segments trains like one segment`, async () => {
      const gpu = await testGpu();
      const c = config(2, extra), params = initParams(c, 3);
      const batches = [0, 1, 2].map((k) => randomBatch(c, B, T, 40 + k, [3]));
      const run = async (maxSegmentBytes?: number) => {
        const model = new Gpt(gpu, c, params, { maxSegmentBytes });
        const trainer = new LmTrainer(gpu, model, B, T, 1, DEFAULT_ADAMW, 3);
        let results: Awaited<ReturnType<LmTrainer['step']>> = [];
        for (const b of batches) results = await trainer.step([{ inputs: b.tokens, targets: b.targets }], 1e-2);
        const out = { segments: model.paramSegments.length, losses: results.map((r) => r.loss), norms: results.map((r) => r.gradNorm), weights: await model.readWeights(), moments: await trainer.opt.readMoments() };
        trainer.destroy();
        model.destroy();
        return out;
      };
      const one = await run(), split = await run(96 * 1024);
      expect(one.segments).toBe(1);
      expect(split.segments).toBeGreaterThan(2);
      // The same per-element updates; only the norm's summation order differs (more ranges).
      expectAllClose(split.losses, one.losses, { atol: 0, rtol: 1e-6, name: 'losses' });
      expectAllClose(split.norms, one.norms, { atol: 0, rtol: 1e-6, name: 'gradient norms' });
      for (const s of paramSpecs(c)) {
        expectAllClose(split.weights[s.name], one.weights[s.name], { atol: 1e-6, rtol: 1e-5, name: s.name });
        expectAllClose(split.moments[s.name].v, one.moments[s.name].v, { atol: 1e-12, rtol: 1e-4, name: `v of ${s.name}` });
      }
    });
  }

  it('optimizer dispatches per step do not grow with the number of tensors', async () => {
    const gpu = await testGpu();
    const counts = [];
    for (const nLayer of [1, 3]) {
      const c = config(nLayer);
      const model = new Gpt(gpu, c, initParams(c, 1));
      const tensors = [...model.params.values()].map((p) => ({ name: p.spec.name, n: p.n, data: p.data, grad: p.grad, decay: p.spec.decay }));
      const opt = new AdamW(gpu, tensors, DEFAULT_ADAMW);
      const zero = gpu.encoder('zero'), upd = gpu.encoder('update');
      model.zeroGrads(zero);
      opt.update(upd, 1e-3);
      const before = gpu.stats.dispatches;
      upd.submit();
      zero.submit();
      counts.push({ tensors: tensors.length, clears: zero.length, update: gpu.stats.dispatches - before, runs: opt.updateDispatches });
      opt.destroy();
      model.destroy();
    }
    console.log(`[flat] optimizer per step: ${JSON.stringify(counts)}`);
    expect(counts[1].tensors).toBeGreaterThan(counts[0].tensors + 20);
    for (const k of counts) {
      expect(k.clears).toBe(1);          // one segment: one clear
      expect(k.runs).toBe(2);            // decayed tensors, then the rest
      expect(k.update).toBe(2 + 2);      // norm: one partial pass + the final; two updates
    }
  });

  it('a training step costs the forward and backward plus a constant: the optimizer does not grow with the tensors', async () => {
    const gpu = await testGpu();
    const rows = [];
    for (const nLayer of [1, 3]) {
      const c = config(nLayer);
      const model = new Gpt(gpu, c, initParams(c, 1));
      const trainer = new LmTrainer(gpu, model, B, T, 1, DEFAULT_ADAMW, 1);
      const b = randomBatch(c, B, T, 5);
      const batch = { inputs: b.tokens, targets: b.targets };
      await trainer.step([batch], 1e-3);
      let before = gpu.stats.dispatches;
      await trainer.step([batch], 1e-3);
      const step = gpu.stats.dispatches - before;
      // The model's own forward and backward, recorded alone.
      const tokens = gpu.upload(b.tokens), bk = embeddingBuckets(b.tokens, c.vocabSize), buckets = gpu.upload(bk.data);
      const enc = gpu.encoder('fwd-bwd');
      model.forward(enc, trainer.acts, tokens);
      model.backward(enc, trainer.acts, { buffer: buckets, numIds: bk.numIds });
      before = gpu.stats.dispatches;
      enc.submit();
      const model1 = gpu.stats.dispatches - before;
      rows.push({ nLayer, tensors: model.params.size, step, model: model1, rest: step - model1 });
      gpu.release(tokens, buckets);
      trainer.destroy();
      model.destroy();
    }
    console.log(`[flat] dispatches per step: ${JSON.stringify(rows)}`);
    // Two more layers add 24 tensors; with one buffer per tensor that was ≥ 48 more optimizer dispatches.
    expect(rows[1].tensors - rows[0].tensors).toBe(24);
    expect(rows[1].rest).toBe(rows[0].rest);
    // The rest: LM head + loss (a few) and the optimizer (4: a norm partial pass, its final, two updates).
    expect(rows[0].rest).toBeLessThanOrEqual(12);
  });

  it('moments read and load by tensor name across segments', async () => {
    const gpu = await testGpu();
    const c = config(2);
    const model = new Gpt(gpu, c, initParams(c, 1), { maxSegmentBytes: 64 * 1024 });
    const tensors = [...model.params.values()].map((p) => ({ name: p.spec.name, n: p.n, data: p.data, grad: p.grad, decay: p.spec.decay }));
    const a = new AdamW(gpu, tensors, DEFAULT_ADAMW), b = new AdamW(gpu, tensors, DEFAULT_ADAMW);
    const moments = Object.fromEntries(tensors.map((t, i) => [t.name, { m: Float32Array.from({ length: t.n }, (_, k) => i + k / t.n), v: Float32Array.from({ length: t.n }, (_, k) => i * 2 + k) }]));
    a.loadMoments(moments, 7);
    const back = await a.readMoments();
    expect(Object.keys(back).sort()).toEqual(tensors.map((t) => t.name).sort());
    for (const t of tensors) { expect(back[t.name].m).toEqual(moments[t.name].m); expect(back[t.name].v).toEqual(moments[t.name].v); }
    const { [tensors[0].name]: _dropped, ...missing } = moments;
    expect(() => b.loadMoments(missing, 1)).toThrow(new RegExp(`no moments for ${tensors[0].name.replace('.', '\\.')}`));
    a.destroy();
    b.destroy();
    model.destroy();
  });
});
