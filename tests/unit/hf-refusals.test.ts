// What a Hugging Face folder can get wrong, and the one-line message each gets (src/hf/*):
// architecture, config fields that change the math, shards, tensors, dtypes, tokenizer kind.
// Also: a sharded copy of a fixture reads exactly like the single file, F16 weights load.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type TensorInput } from '../../src/checkpoint/safetensors';
import { readHfFolder, type HfFiles } from '../../src/hf/folder';
import { importHf } from '../../src/hf/import';
import { f32ToF16, f16ToF32 } from '../../src/hf/dtype';

const FIXTURES = join(__dirname, '../../../shared/hf-fixtures');
type Json = Record<string, any>;
type Folder = Map<string, Uint8Array>;

const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
const files = (f: Folder): HfFiles => ({ read: async (n) => f.get(n) ?? null });

function fixture(name: 'gpt2-tiny' | 'llama-tiny', tokenizer?: string): Folder {
  const f: Folder = new Map();
  for (const file of ['config.json', 'generation_config.json', 'model.safetensors']) f.set(file, new Uint8Array(readFileSync(join(FIXTURES, name, file))));
  if (tokenizer) f.set('tokenizer.json', new Uint8Array(readFileSync(join(FIXTURES, 'tokenizers', tokenizer))));
  return f;
}

function editConfig(f: Folder, edit: (c: Json) => void): Folder {
  const c = JSON.parse(new TextDecoder().decode(f.get('config.json')!));
  edit(c);
  f.set('config.json', enc(c));
  return f;
}

function tensorsOf(f: Folder): TensorInput[] {
  return [...decodeSafetensors(f.get('model.safetensors')!).tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, data: t.data }));
}

/** The same weights in two shards plus model.safetensors.index.json. */
function sharded(f: Folder, edit?: (shards: TensorInput[][], index: Json) => void): Folder {
  const all = tensorsOf(f);
  const shards = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2 === 1)];
  const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const index: Json = { metadata: { total_size: 0 }, weight_map: {} };
  shards.forEach((s, i) => { for (const t of s) index.weight_map[t.name] = names[i]; });
  edit?.(shards, index);
  const out: Folder = new Map([...f].filter(([k]) => k !== 'model.safetensors'));
  shards.forEach((s, i) => out.set(names[i], encodeSafetensors(s, { format: 'pt' })));
  out.set('model.safetensors.index.json', enc(index));
  return out;
}

async function refusal(f: Folder, importTokenizer = false): Promise<string> {
  try {
    if (importTokenizer) await importHf(files(f)); else await readHfFolder(files(f));
  } catch (e) {
    const m = (e as Error).message;
    expect(m).not.toMatch(/\n/);
    return m;
  }
  return expect.fail('expected a refusal');
}

describe('Hugging Face folder refusals', () => {
  it('refuses other architectures and model types', async () => {
    expect(await refusal(editConfig(fixture('llama-tiny'), (c) => { c.architectures = ['MistralForCausalLM']; c.model_type = 'mistral'; })))
      .toBe('config.json: architectures = ["MistralForCausalLM"] is not supported: TabGPT reads "GPT2LMHeadModel" and "LlamaForCausalLM" only.');
    expect(await refusal(editConfig(fixture('llama-tiny'), (c) => { delete c.architectures; c.model_type = 'qwen2'; })))
      .toBe('config.json: model_type = "qwen2" is not supported: TabGPT reads "gpt2" and "llama" models only.');
    expect(await refusal(editConfig(fixture('gpt2-tiny'), (c) => { c.model_type = 'llama'; }))).toMatch(/model_type = "llama" is not supported: GPT2LMHeadModel needs model_type "gpt2"/);
  });

  it('refuses every config field that would compute differently, naming field and value', async () => {
    const cases: ['gpt2-tiny' | 'llama-tiny', (c: Json) => void, string][] = [
      ['llama-tiny', (c) => { c.rope_parameters = { rope_type: 'linear', rope_theta: 10000, factor: 2 }; }, 'rope_parameters.rope_type = "linear"'],
      ['llama-tiny', (c) => { c.rope_scaling = { type: 'dynamic', factor: 2 }; }, 'rope_scaling = {"type":"dynamic","factor":2}'],
      ['llama-tiny', (c) => { c.rope_parameters.partial_rotary_factor = 0.5; }, 'rope_parameters.partial_rotary_factor = 0.5'],
      ['llama-tiny', (c) => { c.sliding_window = 4096; }, 'sliding_window = 4096'],
      ['llama-tiny', (c) => { c.hidden_act = 'gelu'; }, 'hidden_act = "gelu"'],
      ['llama-tiny', (c) => { c.head_dim = 32; }, 'head_dim = 32'],
      ['gpt2-tiny', (c) => { c.activation_function = 'relu'; }, 'activation_function = "relu"'],
      ['gpt2-tiny', (c) => { c.scale_attn_by_inverse_layer_idx = true; }, 'scale_attn_by_inverse_layer_idx = true'],
      ['gpt2-tiny', (c) => { c.scale_attn_weights = false; }, 'scale_attn_weights = false'],
      ['gpt2-tiny', (c) => { c.add_cross_attention = true; }, 'add_cross_attention = true'],
    ];
    for (const [name, edit, field] of cases) {
      const m = await refusal(editConfig(fixture(name), edit));
      expect(m.startsWith(`config.json: ${field} is not supported: `), m).toBe(true);
    }
    // Shapes TabGPT's kernels cannot run are refused by its own config check, said as such.
    expect(await refusal(editConfig(fixture('llama-tiny'), (c) => { c.num_key_value_heads = 3; })))
      .toMatch(/^config.json describes a model TabGPT cannot build: nHead \(4\) must be divisible by nKvHead \(3\)/);
  });

  it('reads a sharded copy exactly like the single file', async () => {
    const single = await readHfFolder(files(fixture('llama-tiny')));
    const split = await readHfFolder(files(sharded(fixture('llama-tiny'))));
    for (const [name, w] of Object.entries(single.params)) expect(Buffer.from(split.params[name].buffer, split.params[name].byteOffset, split.params[name].byteLength).equals(Buffer.from(w.buffer, w.byteOffset, w.byteLength)), name).toBe(true);
  });

  it("reads GPT-2's own layout: names without \"transformer.\", saved attention-mask buffers, a tied lm_head", async () => {
    const f = fixture('gpt2-tiny');
    const renamed = tensorsOf(f).map((t) => ({ ...t, name: t.name.replace(/^transformer\./, '') }));
    const wte = renamed.find((t) => t.name === 'wte.weight')!;
    renamed.push({ name: 'h.0.attn.bias', dtype: 'F32', shape: [1, 1, 64, 64], data: new Float32Array(64 * 64) });
    renamed.push({ name: 'lm_head.weight', dtype: 'F32', shape: wte.shape, data: wte.data });
    f.set('model.safetensors', encodeSafetensors(renamed));
    const theirs = await readHfFolder(files(f));
    const ours = await readHfFolder(files(fixture('gpt2-tiny')));
    for (const [name, w] of Object.entries(ours.params)) expect(Array.from(theirs.params[name]), name).toEqual(Array.from(w));
  });

  it('refuses a missing shard and shards that do not match the index', async () => {
    const missing = sharded(fixture('llama-tiny'));
    missing.delete('model-00002-of-00002.safetensors');
    expect(await refusal(missing)).toMatch(/^Missing shard model-00002-of-00002.safetensors: model.safetensors.index.json lists \d+ tensors in it \(e.g. /);
    const moved = sharded(fixture('llama-tiny'), (shards) => { shards[1].push(shards[0][0]); });
    expect(await refusal(moved)).toMatch(/^Shard model-00002-of-00002.safetensors holds tensor .*, which model.safetensors.index.json puts in model-00001-of-00002.safetensors/);
    const foreign = sharded(fixture('llama-tiny'), (shards) => { shards[0].push({ name: 'model.layers.9.mlp.up_proj.weight', dtype: 'F32', shape: [1], data: new Float32Array(1) }); });
    expect(await refusal(foreign)).toMatch(/holds tensor model.layers.9.mlp.up_proj.weight, which model.safetensors.index.json does not list/);
    const lacking = sharded(fixture('llama-tiny'), (shards, index) => { index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors'; shards[0] = shards[0].filter((t) => t.name !== 'model.norm.weight'); shards[1] = shards[1].filter((t) => t.name !== 'model.norm.weight'); });
    expect(await refusal(lacking)).toBe('Shard model-00001-of-00002.safetensors lacks tensor model.norm.weight, which model.safetensors.index.json lists in it; the shard is incomplete or from another checkpoint.');
    const escape = sharded(fixture('llama-tiny'), (_, index) => { index.weight_map['model.norm.weight'] = '../x.safetensors'; });
    expect(await refusal(escape)).toMatch(/puts tensor model.norm.weight in "..\/x.safetensors", which is not a file name/);
  });

  it('refuses missing, misshapen and unexpected tensors, and unknown dtypes', async () => {
    const edit = (f: Folder, change: (ts: TensorInput[]) => TensorInput[]) => { f.set('model.safetensors', encodeSafetensors(change(tensorsOf(f)))); return f; };
    expect(await refusal(edit(fixture('llama-tiny'), (ts) => ts.filter((t) => t.name !== 'model.layers.1.mlp.gate_proj.weight'))))
      .toBe('The checkpoint has no tensor model.layers.1.mlp.gate_proj.weight, which config.json implies; the weights and config.json do not match.');
    expect(await refusal(edit(fixture('gpt2-tiny'), (ts) => ts.map((t) => (t.name === 'transformer.wpe.weight' ? { ...t, shape: [32, 128] } : t)))))
      .toBe('model.safetensors: tensor transformer.wpe.weight has shape [32, 128] but config.json implies [64, 64].');
    expect(await refusal(edit(fixture('llama-tiny'), (ts) => [...ts, { name: 'model.layers.0.self_attn.q_proj.bias', dtype: 'F32', shape: [64], data: new Float32Array(64) }])))
      .toMatch(/^model.safetensors holds tensor model.layers.0.self_attn.q_proj.bias, which a LlamaForCausalLM with this config.json does not have/);
    expect(await refusal(edit(fixture('llama-tiny'), (ts) => ts.map((t) => (t.name === 'model.norm.weight' ? { ...t, dtype: 'I8', data: new Int8Array(64) } : t)))))
      .toBe('model.safetensors: tensor model.norm.weight has dtype I8; TabGPT reads F32, F16 and BF16 weights (quantized checkpoints are not supported).');
    // A dtype the safetensors reader does not know at all.
    const bytes = encodeSafetensors(tensorsOf(fixture('llama-tiny')));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(0, true))).replace('"F32"', '"Q4_K"');
    const f = fixture('llama-tiny');
    f.set('model.safetensors', Uint8Array.from([...bytes.subarray(0, 8), ...new TextEncoder().encode(header), ...bytes.subarray(8 + header.length)]));
    expect(await refusal(f)).toMatch(/^model.safetensors: Tensor ".*" has dtype "Q4_K", which is unknown or not supported here/);
  });

  it('loads F16 weights (widened exactly) and refuses folders without weights or config', async () => {
    const f = fixture('llama-tiny');
    f.set('model.safetensors', encodeSafetensors(tensorsOf(f).map((t) => ({ ...t, dtype: 'F16', data: f32ToF16(t.data as Float32Array) }))));
    const half = await readHfFolder(files(f));
    const single = await readHfFolder(files(fixture('llama-tiny')));
    expect(half.sourceDtypes).toEqual(['F16']);
    expect(Array.from(half.params['h.0.attn.qkv.weight'].subarray(0, 50))).toEqual(Array.from(f16ToF32(f32ToF16(single.params['h.0.attn.qkv.weight'])).subarray(0, 50)));
    const none = fixture('gpt2-tiny');
    none.delete('model.safetensors');
    expect(await refusal(none)).toBe('The folder has neither model.safetensors nor model.safetensors.index.json.');
    none.set('pytorch_model.bin', new Uint8Array(4));
    expect(await refusal(none)).toMatch(/only pytorch_model.bin; TabGPT reads safetensors/);
    const noConfig = fixture('gpt2-tiny');
    noConfig.delete('config.json');
    expect(await refusal(noConfig)).toMatch(/no config.json/);
  });

  it('refuses a tokenizer of an unknown kind, a missing one, and one larger than the model', async () => {
    const withTok = (tok: Json) => { const f = fixture('gpt2-tiny'); f.set('tokenizer.json', enc(tok)); return f; };
    const unigram = { model: { type: 'Unigram', vocab: [['a', 0]] }, normalizer: null, pre_tokenizer: { type: 'Metaspace' }, decoder: null, added_tokens: [] };
    expect(await refusal(withTok(unigram), true)).toMatch(/^tokenizer.json: unsupported tokenizer kind: model Unigram, pre_tokenizer Metaspace/);
    const wordpiece = { model: { type: 'WordPiece', vocab: { a: 0 } }, normalizer: { type: 'BertNormalizer' }, pre_tokenizer: { type: 'BertPreTokenizer' }, decoder: null, added_tokens: [] };
    expect(await refusal(withTok(wordpiece), true)).toMatch(/^tokenizer.json: unsupported tokenizer kind: model WordPiece, pre_tokenizer BertPreTokenizer, normalizer BertNormalizer/);
    expect(await refusal(fixture('gpt2-tiny'), true)).toMatch(/^The folder has no tokenizer.json/);
    expect(await refusal(fixture('gpt2-tiny', 'llama-bpe-bytefallback.tokenizer.json'), true))
      .toBe("tokenizer.json has 860 tokens but config.json's vocab_size is 320; they are not from the same model.");
    const ok = await importHf(files(fixture('gpt2-tiny', 'bytelevel-bpe.tokenizer.json')));
    expect(ok.tokenizer.vocabSize).toBe(320);
  });
});
