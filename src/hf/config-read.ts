// A Hugging Face config.json → TabGPT's ModelConfig, for GPT2LMHeadModel and LlamaForCausalLM.
// Every field that transformers' modeling code reads and that changes the computation is checked;
// a value TabGPT cannot compute identically is refused with one message naming the field and value.
// Fields transformers itself ignores (e.g. "_name_or_path", "transformers.js_config") are ignored
// here too, as are dropout probabilities (inference and TabGPT training run without dropout),
// GPT-2's reorder_and_upcast_attn (TabGPT computes attention in f32 anyway) and Llama's
// pretraining_tp (a sliced matmul with the same result). One difference remains in training only:
// transformers keeps the gradient of a Llama pad_token_id's embedding row at zero; TabGPT does not.
// Does not read weights (folder.ts) or write configs (config-write.ts).
import { makeConfig, ConfigError, type ModelConfig } from '../model/config';
import { hfFail, type Json } from './errors';

export type HfArch = 'gpt2' | 'llama';

export const ARCHITECTURES: Record<HfArch, string> = { gpt2: 'GPT2LMHeadModel', llama: 'LlamaForCausalLM' };

export interface HfModelInfo {
  arch: HfArch;
  config: ModelConfig;
  bosTokenId: number | null;
  eosTokenId: number | number[] | null;
  padTokenId: number | null;
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function refuse(field: string, value: unknown, why: string): never {
  hfFail(`config.json: ${field} = ${show(value)} is not supported: ${why}.`);
}

function int(c: Json, field: string, fallback?: number): number {
  const v = c[field] ?? fallback;
  if (!Number.isSafeInteger(v) || (v as number) < 1) hfFail(`config.json: ${field} must be a positive integer, got ${show(c[field])}.`);
  return v as number;
}

function num(c: Json, field: string, fallback: number): number {
  const v = c[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) hfFail(`config.json: ${field} must be a positive number, got ${show(c[field])}.`);
  return v;
}

function bool(c: Json, field: string, fallback: boolean): boolean {
  const v = c[field] ?? fallback;
  if (typeof v !== 'boolean') hfFail(`config.json: ${field} must be true or false, got ${show(c[field])}.`);
  return v;
}

/** The value must be absent, null or one of `allowed`. */
function only(c: Json, field: string, allowed: unknown[], why: string): void {
  const v = c[field];
  if (v !== undefined && v !== null && !allowed.includes(v)) refuse(field, v, why);
}

function tokenId(c: Json, field: string): number | null {
  const v = c[field];
  if (v === undefined || v === null) return null;
  if (!Number.isSafeInteger(v) || (v as number) < 0) hfFail(`config.json: ${field} must be a token id, got ${show(v)}.`);
  return v as number;
}

function eosId(c: Json): number | number[] | null {
  const v = c.eos_token_id;
  if (Array.isArray(v)) return v.map((_, i) => tokenId({ [`eos_token_id[${i}]`]: v[i] }, `eos_token_id[${i}]`) as number);
  return tokenId(c, 'eos_token_id');
}

/** Which architecture a config describes: its `architectures` entry, else its `model_type`. */
function archOf(c: Json): HfArch {
  const archs = c.architectures;
  if (archs !== undefined && archs !== null) {
    if (!Array.isArray(archs) || archs.length !== 1) refuse('architectures', archs, 'TabGPT reads exactly one of "GPT2LMHeadModel" or "LlamaForCausalLM"');
    const hit = (Object.keys(ARCHITECTURES) as HfArch[]).find((a) => ARCHITECTURES[a] === archs[0]);
    if (!hit) refuse('architectures', archs, 'TabGPT reads "GPT2LMHeadModel" and "LlamaForCausalLM" only');
    if (c.model_type !== hit) refuse('model_type', c.model_type, `${ARCHITECTURES[hit]} needs model_type "${hit}"`);
    return hit;
  }
  if (c.model_type === 'gpt2' || c.model_type === 'llama') return c.model_type;
  return refuse('model_type', c.model_type, 'TabGPT reads "gpt2" and "llama" models only');
}

function gpt2Config(c: Json): ModelConfig {
  const C = int(c, 'n_embd');
  only(c, 'activation_function', ['gelu_new', 'gelu_pytorch_tanh'], 'TabGPT\'s GELU is the tanh approximation ("gelu_new")');
  if (!bool(c, 'scale_attn_weights', true)) refuse('scale_attn_weights', false, 'attention scores are always scaled by 1/√head_dim');
  if (bool(c, 'scale_attn_by_inverse_layer_idx', false)) refuse('scale_attn_by_inverse_layer_idx', true, 'scores are not scaled per layer');
  if (bool(c, 'add_cross_attention', false)) refuse('add_cross_attention', true, 'TabGPT models are decoder-only');
  const inner = c.n_inner;
  return build({
    vocabSize: int(c, 'vocab_size'),
    nLayer: int(c, 'n_layer'),
    nHead: int(c, 'n_head'),
    nKvHead: int(c, 'n_head'),
    dModel: C,
    contextLength: int(c, 'n_positions', c.n_ctx as number | undefined),
    norm: 'layernorm', positions: 'learned', mlp: 'gelu',
    mlpHidden: inner === undefined || inner === null ? 4 * C : int(c, 'n_inner'),
    tiedEmbeddings: bool(c, 'tie_word_embeddings', true),
    bias: true,
    normEps: num(c, 'layer_norm_epsilon', 1e-5),
  });
}

/** rope_theta from transformers 5's rope_parameters or the older rope_theta / rope_scaling. */
function ropeTheta(c: Json): number {
  if (c.rope_scaling !== undefined && c.rope_scaling !== null) {
    const type = (c.rope_scaling as Json).rope_type ?? (c.rope_scaling as Json).type;
    if (type !== 'default') refuse('rope_scaling', c.rope_scaling, 'only unscaled rotary embeddings are implemented; use a checkpoint without rope_scaling');
  }
  const p = c.rope_parameters;
  if (p === undefined || p === null) return num(c, 'rope_theta', 10000);
  if (typeof p !== 'object' || Array.isArray(p)) refuse('rope_parameters', p, 'it must be an object');
  const params = p as Json;
  if ((params.rope_type ?? 'default') !== 'default') refuse('rope_parameters.rope_type', params.rope_type, 'only the "default" (unscaled) rotary embedding is implemented');
  for (const key of Object.keys(params)) {
    if (key !== 'rope_type' && key !== 'rope_theta') refuse(`rope_parameters.${key}`, params[key], 'only rope_type "default" with rope_theta is implemented');
  }
  return num(params, 'rope_theta', num(c, 'rope_theta', 10000));
}

function llamaConfig(c: Json): ModelConfig {
  const C = int(c, 'hidden_size');
  const nHead = int(c, 'num_attention_heads');
  only(c, 'hidden_act', ['silu'], 'the MLP is SwiGLU with SiLU');
  only(c, 'sliding_window', [], 'attention is always over the whole causal context');
  const headDim = c.head_dim ?? C / nHead;
  if (headDim !== C / nHead) refuse('head_dim', headDim, `TabGPT needs head_dim = hidden_size / num_attention_heads = ${C / nHead}`);
  const attentionBias = bool(c, 'attention_bias', false);
  const mlpBias = bool(c, 'mlp_bias', false);
  return build({
    vocabSize: int(c, 'vocab_size'),
    nLayer: int(c, 'num_hidden_layers'),
    nHead,
    nKvHead: int(c, 'num_key_value_heads', nHead),
    dModel: C,
    contextLength: int(c, 'max_position_embeddings'),
    norm: 'rmsnorm', positions: 'rope', mlp: 'swiglu',
    mlpHidden: int(c, 'intermediate_size'),
    tiedEmbeddings: bool(c, 'tie_word_embeddings', false),
    bias: attentionBias,
    mlpBias,
    ropeBase: ropeTheta(c),
    normEps: num(c, 'rms_norm_eps', 1e-6),
  });
}

/** The shape limits of TabGPT's kernels (e.g. head size ≤ 128), reported as such. */
function build(overrides: Partial<ModelConfig>): ModelConfig {
  try {
    return makeConfig(overrides);
  } catch (e) {
    if (e instanceof ConfigError) hfFail(`config.json describes a model TabGPT cannot build: ${e.message}`);
    throw e;
  }
}

/** Reads a parsed config.json. Throws HfError with one line naming the first unsupported field. */
export function readHfConfig(c: Json): HfModelInfo {
  const arch = archOf(c);
  const config = arch === 'gpt2' ? gpt2Config(c) : llamaConfig(c);
  return { arch, config, bosTokenId: tokenId(c, 'bos_token_id'), eosTokenId: eosId(c), padTokenId: tokenId(c, 'pad_token_id') };
}
