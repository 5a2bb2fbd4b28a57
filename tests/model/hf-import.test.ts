// Hugging Face checkpoints against what transformers computed for them (../shared/hf-fixtures):
// logits, loss, every gradient transformers saved (mapped to its Hugging Face name) and a greedy
// continuation, for GPT2LMHeadModel and LlamaForCausalLM (grouped-query, untied head).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testGpu } from '../helpers/gpu';
import { gpuLossAndGrads } from './gpu-grads';
import { Gpt } from '../../src/model/gpt';
import { LmHead } from '../../src/model/heads';
import { KvSampler } from '../../src/model/sampler';
import { planActivations, releaseActivations } from '../../src/model/activations';
import { decodeSafetensors } from '../../src/checkpoint/safetensors';
import { readHfFolder } from '../../src/hf/folder';
import { weightPlan, splitParam } from '../../src/hf/weights';
import { nodeHfFiles } from '../../src/cli/hf-io';
import type { Gpu } from '../../src/gpu/gpu';
import { makeConfig, LLAMA_STYLE, type ModelConfig } from '../../src/model/config';
import { PretrainRun, readCheckpoint } from '../../src/train/pretrain';
import { exportHf } from '../../src/hf/export';
import type { HfFiles } from '../../src/hf/folder';
import { ByteTokenizer } from '../../src/tokenizer';

const FIXTURES = join(__dirname, '../../../shared/hf-fixtures');

interface Reference { input_ids: number[][]; loss: number; logits_shape: number[]; grad_names: string[]; greedy_prompt: number[]; greedy_output: number[] }

async function logitsOf(gpu: Gpu, config: ModelConfig, weights: Record<string, Float32Array>, tokens: Int32Array, B: number, T: number): Promise<Float32Array> {
  const model = new Gpt(gpu, config, weights, { trainable: false });
  const acts = planActivations(gpu, config, B, T);
  const head = new LmHead(model, B * T);
  const tok = gpu.upload(tokens), tgt = gpu.upload(new Int32Array(B * T).fill(-1));
  const enc = gpu.encoder('logits');
  model.forward(enc, acts, tok);
  head.forward(enc, acts, tgt);
  enc.submit();
  const logits = await gpu.readF32(head.logits, B * T * config.vocabSize);
  head.destroy();
  releaseActivations(gpu, acts);
  gpu.release(tok, tgt);
  model.destroy();
  return logits;
}

const maxAbsOf = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };

describe('Hugging Face import against transformers', () => {
  for (const fixture of ['gpt2-tiny', 'llama-tiny']) {
    const dir = join(FIXTURES, fixture);
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;

    it(`${fixture}: logits equal transformers' within 1e-4 of max |logit|`, async () => {
      const gpu = await testGpu();
      const hf = await readHfFolder(nodeHfFiles(dir));
      const [B, T, V] = ref.logits_shape;
      expect(hf.config.vocabSize).toBe(V);
      const want = new Float32Array(new Uint8Array(readFileSync(join(dir, 'logits.f32'))).buffer);
      expect(want.length).toBe(B * T * V);
      const got = await logitsOf(gpu, hf.config, hf.params, Int32Array.from(ref.input_ids.flat()), B, T);
      const scale = maxAbsOf(want);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      console.log(`[hf ${fixture}] max |logit diff| = ${worst.toExponential(2)}, max |logit| = ${scale.toFixed(3)}`);
      expect(worst).toBeLessThanOrEqual(1e-4 * scale);
    });

    it(`${fixture}: loss within 1e-5 relative, every saved gradient within 1e-4 of its max`, async () => {
      const gpu = await testGpu();
      const hf = await readHfFolder(nodeHfFiles(dir));
      const [B, T] = ref.logits_shape;
      const tokens = Int32Array.from(ref.input_ids.flat());
      // transformers shifts inside the model: position t predicts token t + 1; the last predicts nothing.
      const targets = Int32Array.from(ref.input_ids.flatMap((row) => row.map((_, t) => (t + 1 < T ? row[t + 1] : -1))));
      const ours = await gpuLossAndGrads(gpu, hf.config, hf.params, tokens, targets, B, T);
      ours.model.destroy();
      console.log(`[hf ${fixture}] loss ours ${ours.loss} transformers ${ref.loss}`);
      expect(Math.abs(ours.loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(ref.loss));

      const hfGrads = new Map<string, Float32Array>();
      for (const plan of weightPlan(hf.arch, hf.config)) for (const t of splitParam(plan, ours.grads[plan.name])) hfGrads.set(t.name, t.data);
      const saved = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'grads.safetensors')))).tensors;
      expect([...saved.keys()].sort()).toEqual([...ref.grad_names].sort());
      for (const name of ref.grad_names) {
        const want = saved.get(name)!.data as Float32Array;
        const got = hfGrads.get(name);
        expect(got, `gradient for ${name}`).toBeDefined();
        expect(got!.length).toBe(want.length);
        const scale = maxAbsOf(want);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got![i] - want[i]));
        console.log(`[hf ${fixture}] d${name}: max diff ${worst.toExponential(2)} / max ${scale.toExponential(2)}`);
        expect(worst, name).toBeLessThanOrEqual(1e-4 * scale);
      }
    });

    it(`${fixture}: greedy continuation equals transformers' token for token`, async () => {
      const gpu = await testGpu();
      const hf = await readHfFolder(nodeHfFiles(dir));
      const model = new Gpt(gpu, hf.config, hf.params, { trainable: false });
      const sampler = new KvSampler(model);
      const newTokens = ref.greedy_output.length - ref.greedy_prompt.length;
      const out = await sampler.generate(ref.greedy_prompt, { maxTokens: newTokens, seed: 0, temperature: 0, topK: 0, topP: 1 });
      sampler.destroy();
      model.destroy();
      expect([...ref.greedy_prompt, ...out]).toEqual(ref.greedy_output);
    });
  }

  it('a Llama-style model pretrained here, exported and re-imported, gives the same logits', async () => {
    const gpu = await testGpu();
    const tokenizer = new ByteTokenizer();
    const config = makeConfig(LLAMA_STYLE, { vocabSize: 256, nLayer: 2, dModel: 48, nHead: 4, nKvHead: 2, contextLength: 32, tiedEmbeddings: false });
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
    const run = PretrainRun.create(gpu, { config, tokenizer, tokens: Int32Array.from(tokenizer.encode(text)), settings: { steps: 3, batchSize: 2, seqLen: 32, evalEvery: 0 } });
    await run.run();
    const ck = readCheckpoint(await run.checkpoint(false));
    expect(ck.step).toBe(3);
    run.destroy();
    const trained = Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
    const files = exportHf({ config: ck.config, params: trained, tokenizer });
    const back = await readHfFolder({ read: async (n) => files.get(n) ?? null } satisfies HfFiles);
    expect(back.config).toEqual(ck.config);
    const B = 2, T = 17;
    const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 37 + 11) % 256);
    const before = await logitsOf(gpu, ck.config, trained, tokens, B, T);
    const after = await logitsOf(gpu, back.config, back.params, tokens, B, T);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });
});
