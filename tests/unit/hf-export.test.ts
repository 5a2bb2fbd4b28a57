// Export to a Hugging Face folder (src/hf/export.ts): export(import(fixture)) gives back the
// fixture's tensors bit for bit under their names, and its config.json keys and values; the
// tokenizer.json written for each TabGPT tokenizer kind encodes like the tokenizer itself
// (checked with @huggingface/tokenizers); models with no Hugging Face equivalent are refused.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '../../src/checkpoint/safetensors';
import { readHfFolder, type HfFiles } from '../../src/hf/folder';
import { exportHf } from '../../src/hf/export';
import { bf16ToF32, f32ToBf16 } from '../../src/hf/dtype';
import { nodeHfFiles } from '../../src/cli/hf-io';
import { makeConfig, presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { ByteTokenizer, CharTokenizer, tokenizerFromHfJson } from '../../src/tokenizer';
import { generateCorpus } from './fixtures/tokenizer/text-gen';

const FIXTURES = join(__dirname, '../../../shared/hf-fixtures');
// save_pretrained's record of how the file was written, not of the model: ignored in comparisons.
const BOOKKEEPING = ['transformers_version', 'dtype'];
// Token ids: the fixtures' GPT-2 keeps GPT-2's 50256 with a 320-token vocabulary; without the
// imported config.json to copy them from, export names the tokenizer's own special tokens.
const TOKEN_IDS = ['bos_token_id', 'eos_token_id', 'pad_token_id'];

const memFiles = (files: Map<string, Uint8Array>): HfFiles => ({ read: async (n) => files.get(n) ?? null });
const parse = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).equals(bits(b));
const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('Hugging Face export', () => {
  for (const fixture of ['gpt2-tiny', 'llama-tiny']) {
    const dir = join(FIXTURES, fixture);

    it(`${fixture}: export(import(x)) reproduces every tensor bit for bit under its name, dtype and shape`, async () => {
      const folder = await readHfFolder(nodeHfFiles(dir));
      const files = exportHf({ config: folder.config, params: folder.params, base: folder });
      const theirs = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
      const ours = decodeSafetensors(files.get('model.safetensors')!);
      expect([...ours.tensors.keys()].sort()).toEqual([...theirs.tensors.keys()].sort());
      expect(ours.metadata).toEqual(theirs.metadata);
      for (const [name, t] of theirs.tensors) {
        const o = ours.tensors.get(name)!;
        expect([o.dtype, o.shape], name).toEqual([t.dtype, t.shape]);
        expect(Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), name).toBe(true);
      }
      // The reference writer's byte layout too (header order and padding).
      expect(Buffer.from(files.get('model.safetensors')!).equals(readFileSync(join(dir, 'model.safetensors')))).toBe(true);
    });

    it(`${fixture}: config.json has the fixture's keys and values (bookkeeping ${BOOKKEEPING.join(', ')} aside)`, async () => {
      const folder = await readHfFolder(nodeHfFiles(dir));
      const want = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      const withBase = parse(exportHf({ config: folder.config, params: folder.params, base: folder }).get('config.json')!);
      expect(without(withBase, BOOKKEEPING)).toEqual(without(want, BOOKKEEPING));
      expect(Object.keys(withBase)).toEqual(Object.keys(want));
      // Without the imported files: the same keys, and every value from TabGPT's config or transformers' defaults.
      const fresh = parse(exportHf({ config: folder.config, params: folder.params }).get('config.json')!);
      expect(Object.keys(fresh)).toEqual(Object.keys(want));
      expect(without(fresh, [...BOOKKEEPING, ...TOKEN_IDS])).toEqual(without(want, [...BOOKKEEPING, ...TOKEN_IDS]));
      const gen = parse(exportHf({ config: folder.config, params: folder.params, base: folder }).get('generation_config.json')!);
      expect(gen).toEqual(JSON.parse(readFileSync(join(dir, 'generation_config.json'), 'utf8')));
    });

    it(`${fixture}: a BF16 export re-imports as the BF16 rounding of every weight`, async () => {
      const folder = await readHfFolder(nodeHfFiles(dir));
      const files = exportHf({ config: folder.config, params: folder.params, base: folder, dtype: 'BF16' });
      expect(parse(files.get('config.json')!).dtype).toBe('bfloat16');
      const back = await readHfFolder(memFiles(files));
      expect(back.sourceDtypes).toEqual(['BF16']);
      for (const [name, w] of Object.entries(folder.params)) expect(sameBits(back.params[name], bf16ToF32(f32ToBf16(w))), name).toBe(true);
    });
  }

  it('a Llama-style TabGPT model (GQA, untied, attention bias only) exports and re-imports unchanged', async () => {
    const config = presetConfig('tiny', { ...LLAMA_STYLE, nKvHead: 2, vocabSize: 259, bias: true, mlpBias: false, ropeBase: 50000, normEps: 1e-6 });
    const params = initParams(config, 3);
    const tokenizer = new ByteTokenizer();
    tokenizer.addSpecialTokens(['<|endoftext|>', '<s>']);
    const files = exportHf({ config, params, tokenizer });
    expect([...files.keys()].sort()).toEqual(['README.md', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const cfg = parse(files.get('config.json')!);
    expect(cfg).toMatchObject({ attention_bias: true, mlp_bias: false, num_key_value_heads: 2, rope_parameters: { rope_theta: 50000, rope_type: 'default' }, rms_norm_eps: 1e-6, eos_token_id: 256, bos_token_id: 257 });
    const back = await readHfFolder(memFiles(files));
    expect(back.config).toEqual(config);
    for (const [name, w] of Object.entries(params)) expect(sameBits(back.params[name], w), name).toBe(true);
    expect(tokenizerFromHfJson(back.tokenizerJson).encode('hi <s>', { allowSpecial: true })).toEqual(tokenizer.encode('hi <s>', { allowSpecial: true }));
    expect(new TextDecoder().decode(files.get('README.md')!)).toMatch(/AutoModelForCausalLM.from_pretrained/);
    expect(parse(files.get('tokenizer_config.json')!)).toMatchObject({ eos_token: '<|endoftext|>', bos_token: '<s>', model_max_length: 64 });
    expect(parse(files.get('tokenizer_config.json')!).chat_template).toBeUndefined();
  });

  it('a model trained with the built-in chat template exports it in Jinja, with <|end|> as end of sequence', () => {
    const config = presetConfig('tiny', { vocabSize: 260 });
    const tokenizer = new ByteTokenizer();
    tokenizer.addSpecialTokens(['<|system|>', '<|user|>', '<|assistant|>', '<|end|>']);
    const files = exportHf({ config, params: initParams(config, 1), tokenizer });
    const tc = parse(files.get('tokenizer_config.json')!);
    expect(tc.chat_template).toBe("{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}");
    expect(tc.eos_token).toBe('<|end|>');
    expect(parse(files.get('config.json')!).eos_token_id).toBe(259);
  });

  it('each TabGPT tokenizer kind exports a tokenizer.json that @huggingface/tokenizers encodes the same way', () => {
    const text = generateCorpus(3, 6000);
    const lines = text.split('\n');
    const kinds = [new ByteTokenizer(), CharTokenizer.fromCorpus(text.slice(0, 3000)), tokenizerFromHfJson(JSON.parse(readFileSync(join(FIXTURES, 'tokenizers/llama-bpe-bytefallback.tokenizer.json'), 'utf8')))];
    for (const tok of kinds) {
      tok.addSpecialTokens(['<|user|>']);
      const config = makeConfig({ vocabSize: tok.vocabSize, dModel: 16, nHead: 2, nKvHead: 2, nLayer: 1 });
      const json = parse(exportHf({ config, params: initParams(config, 1), tokenizer: tok }).get('tokenizer.json')!);
      const lib = new HfTokenizer(json, { clean_up_tokenization_spaces: false });
      for (const line of [...lines.slice(0, 200), 'emoji 🙂 中文 <|user|> tabs\t\t end']) {
        expect(lib.encode(line, { add_special_tokens: false }).ids, `${tok.kind}: ${JSON.stringify(line)}`).toEqual(tok.encode(line, { allowSpecial: true }));
      }
    }
  });

  it('refuses a model with no Hugging Face equivalent, naming the setting to change', () => {
    const learnedRms = presetConfig('tiny', { norm: 'rmsnorm' });
    expect(() => exportHf({ config: learnedRms, params: initParams(learnedRms, 1) })).toThrow(/no Hugging Face equivalent: the nearest, GPT2LMHeadModel, needs norm layernorm\. /);
    const gqaGpt2 = presetConfig('tiny', { nKvHead: 2 });
    expect(() => exportHf({ config: gqaGpt2, params: initParams(gqaGpt2, 1) })).toThrow(/GPT2LMHeadModel, needs nKvHead = nHead/);
    const ropeGelu = presetConfig('tiny', { ...LLAMA_STYLE, mlp: 'gelu' });
    expect(() => exportHf({ config: ropeGelu, params: initParams(ropeGelu, 1) })).toThrow(/LlamaForCausalLM, needs mlp swiglu/);
  });
});
