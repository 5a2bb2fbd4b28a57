// Reads a Hugging Face model folder — config.json, model.safetensors or model.safetensors.index.json
// with its shards, and the optional generation_config.json, tokenizer.json, tokenizer_config.json —
// into TabGPT parameters (float32, TabGPT names and layouts). F16 and BF16 tensors are widened
// exactly (dtype.ts); every tensor the config implies must be present with its shape, and a tensor
// nobody asked for is refused, so a model never loads half-right.
// The folder is any `HfFiles` (Node's fs in the CLI, dropped files in the app). Does not build
// tokenizers or GPU models (import.ts does the former; the caller the latter).
import { decodeSafetensors, type DecodedTensor } from '../checkpoint/safetensors';
import { CheckpointError } from '../checkpoint/safetensors-errors';
import { readHfConfig, type HfModelInfo } from './config-read';
import { weightPlan, assembleParam, type HfPart } from './weights';
import { bf16ToF32, f16ToF32 } from './dtype';
import { hfFail, isObject, parseJsonFile, type Json } from './errors';

export interface HfFiles {
  /** The file's bytes, or null when the folder has no such file. */
  read(name: string): Promise<Uint8Array | null>;
}

export interface HfFolder extends HfModelInfo {
  /** TabGPT parameter name → float32 values (TabGPT layout). */
  params: Record<string, Float32Array>;
  /** The dtypes the weights were stored in (converted to F32 on load). */
  sourceDtypes: string[];
  hfConfig: Json;
  generationConfig: Json | null;
  tokenizerJson: Json | null;
  tokenizerConfig: Json | null;
}

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';

async function optionalJson(files: HfFiles, name: string): Promise<Json | null> {
  const bytes = await files.read(name);
  return bytes ? parseJsonFile(bytes, name) : null;
}

function decode(bytes: Uint8Array, file: string): Map<string, DecodedTensor> {
  try {
    return decodeSafetensors(bytes).tensors;
  } catch (e) {
    if (e instanceof CheckpointError) hfFail(`${file}: ${e.message}`);
    throw e;
  }
}

/** Every tensor of the checkpoint, by name, with the file it came from. */
async function readTensors(files: HfFiles): Promise<Map<string, { tensor: DecodedTensor; file: string }>> {
  const out = new Map<string, { tensor: DecodedTensor; file: string }>();
  const single = await files.read(SINGLE);
  if (single) {
    for (const [name, tensor] of decode(single, SINGLE)) out.set(name, { tensor, file: SINGLE });
    return out;
  }
  const indexBytes = await files.read(INDEX);
  if (!indexBytes) {
    const legacy = (await files.read('pytorch_model.bin')) !== null;
    hfFail(legacy
      ? 'The folder has only pytorch_model.bin; TabGPT reads safetensors: save it with save_pretrained(dir, safe_serialization=True).'
      : `The folder has neither ${SINGLE} nor ${INDEX}.`);
  }
  const weightMap = parseJsonFile(indexBytes, INDEX).weight_map;
  if (!isObject(weightMap)) hfFail(`${INDEX} has no "weight_map" object.`);
  const byShard = new Map<string, Set<string>>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '' || shard.includes('/') || shard.includes('\\')) hfFail(`${INDEX} puts tensor ${name} in ${JSON.stringify(shard)}, which is not a file name in the folder.`);
    if (!byShard.has(shard)) byShard.set(shard, new Set());
    byShard.get(shard)!.add(name);
  }
  for (const [shard, names] of byShard) {
    const bytes = await files.read(shard);
    if (!bytes) hfFail(`Missing shard ${shard}: ${INDEX} lists ${names.size} tensors in it (e.g. ${[...names][0]}).`);
    const tensors = decode(bytes, shard);
    for (const [name, tensor] of tensors) {
      if (!names.has(name)) hfFail(`Shard ${shard} holds tensor ${name}, which ${INDEX} ${name in weightMap ? `puts in ${weightMap[name]}` : 'does not list'}; the shards and the index do not belong together.`);
      out.set(name, { tensor, file: shard });
    }
    for (const name of names) if (!tensors.has(name)) hfFail(`Shard ${shard} lacks tensor ${name}, which ${INDEX} lists in it; the shard is incomplete or from another checkpoint.`);
  }
  return out;
}

/** Buffers some writers save that transformers recomputes (causal masks, rotary frequencies). */
function isRecomputedBuffer(name: string): boolean {
  return /\.attn\.(masked_)?bias$/.test(name) || /\.rotary_emb\.inv_freq$/.test(name);
}

function toF32(part: HfPart, t: DecodedTensor, file: string): Float32Array {
  const same = t.shape.length === part.shape.length && t.shape.every((d, i) => d === part.shape[i]);
  if (!same) hfFail(`${file}: tensor ${part.name} has shape [${t.shape.join(', ')}] but config.json implies [${part.shape.join(', ')}].`);
  switch (t.dtype) {
    case 'F32': return t.data as Float32Array;
    case 'F16': return f16ToF32(t.data as Uint16Array);
    case 'BF16': return bf16ToF32(t.data as Uint16Array);
    default: return hfFail(`${file}: tensor ${part.name} has dtype ${t.dtype}; TabGPT reads F32, F16 and BF16 weights (quantized checkpoints are not supported).`);
  }
}

export async function readHfFolder(files: HfFiles): Promise<HfFolder> {
  const configBytes = await files.read('config.json');
  if (!configBytes) hfFail('The folder has no config.json; pick the whole model folder that save_pretrained wrote.');
  const hfConfig = parseJsonFile(configBytes, 'config.json');
  const info = readHfConfig(hfConfig);
  const tensors = await readTensors(files);
  // GPT-2's own checkpoints were saved from GPT2Model: the same names without "transformer.".
  if (info.arch === 'gpt2' && ![...tensors.keys()].some((n) => n.startsWith('transformer.'))) {
    for (const [name, t] of [...tensors]) if (name !== 'lm_head.weight') { tensors.delete(name); tensors.set(`transformer.${name}`, t); }
  }
  const used = new Set<string>();
  const dtypes = new Set<string>();
  const params: Record<string, Float32Array> = {};
  for (const plan of weightPlan(info.arch, info.config)) {
    params[plan.name] = assembleParam(plan, (part) => {
      const found = tensors.get(part.name);
      if (!found) hfFail(`The checkpoint has no tensor ${part.name}, which config.json implies; the weights and config.json do not match.`);
      used.add(part.name);
      dtypes.add(found.tensor.dtype);
      return toF32(part, found.tensor, found.file);
    });
  }
  for (const [name, { file }] of tensors) {
    if (used.has(name) || isRecomputedBuffer(name)) continue;
    // Tied heads: transformers ties lm_head to the embedding whatever the file holds.
    if (name === 'lm_head.weight' && info.config.tiedEmbeddings) continue;
    hfFail(`${file} holds tensor ${name}, which a ${hfConfig.architectures ?? info.arch} with this config.json does not have; the weights and config.json do not match.`);
  }
  return {
    ...info, params, sourceDtypes: [...dtypes].sort(), hfConfig,
    generationConfig: await optionalJson(files, 'generation_config.json'),
    tokenizerJson: await optionalJson(files, 'tokenizer.json'),
    tokenizerConfig: await optionalJson(files, 'tokenizer_config.json'),
  };
}
