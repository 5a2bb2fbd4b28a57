// TabGPT's ModelConfig → the config.json that transformers' save_pretrained writes for the
// matching architecture (same keys, same defaults), and the architecture choice itself: a model
// whose settings match neither GPT2LMHeadModel nor LlamaForCausalLM is refused, naming the
// settings to change. Values that do not change the math (dropout, initializer_range, token ids)
// come from `base` — the imported config.json — when there is one, else transformers' defaults.
// Does not write files (export.ts).
import { type ModelConfig, headDim, mlpHasBias } from '../model/config';
import { ARCHITECTURES, type HfArch } from './config-read';
import { hfFail, type Json } from './errors';

/** The transformers release whose save_pretrained output these configs mirror (see ../shared/hf-fixtures). */
export const TRANSFORMERS_VERSION = '5.17.0';

/** What each architecture fixes; a config must match one of them in every entry. */
const REQUIRED: Record<HfArch, Array<[keyof ModelConfig | 'mlpBias' | 'kvHeads', string, (c: ModelConfig) => boolean]>> = {
  gpt2: [
    ['norm', 'layernorm', (c) => c.norm === 'layernorm'],
    ['positions', 'learned', (c) => c.positions === 'learned'],
    ['mlp', 'gelu', (c) => c.mlp === 'gelu'],
    ['bias', 'true', (c) => c.bias && mlpHasBias(c)],
    ['kvHeads', 'nKvHead = nHead', (c) => c.nKvHead === c.nHead],
  ],
  llama: [
    ['norm', 'rmsnorm', (c) => c.norm === 'rmsnorm'],
    ['positions', 'rope', (c) => c.positions === 'rope'],
    ['mlp', 'swiglu', (c) => c.mlp === 'swiglu'],
  ],
};

/** GPT2LMHeadModel or LlamaForCausalLM; refuses other combinations with the closest fix. */
export function hfArchOf(c: ModelConfig): HfArch {
  const misses = (Object.keys(REQUIRED) as HfArch[]).map((arch) => ({ arch, wrong: REQUIRED[arch].filter(([, , ok]) => !ok(c)) }));
  const hit = misses.find((m) => m.wrong.length === 0);
  if (hit) return hit.arch;
  const near = misses.sort((a, b) => a.wrong.length - b.wrong.length)[0];
  const change = near.wrong.map(([k, want]) => (k === 'kvHeads' ? 'nKvHead = nHead' : `${k} ${want}`)).join(', ');
  return hfFail(`This model (norm ${c.norm}, positions ${c.positions}, mlp ${c.mlp}, bias ${c.bias}) has no Hugging Face equivalent: the nearest, ${ARCHITECTURES[near.arch]}, needs ${change}. Train with those settings to export.`);
}

const GPT2_DEFAULTS: Json = {
  activation_function: 'gelu_new', add_cross_attention: false, architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1,
  bos_token_id: null, dtype: 'float32', embd_pdrop: 0.1, eos_token_id: null, initializer_range: 0.02,
  layer_norm_epsilon: 1e-5, model_type: 'gpt2', n_embd: 768, n_head: 12, n_inner: null, n_layer: 12, n_positions: 1024,
  pad_token_id: null, reorder_and_upcast_attn: false, resid_pdrop: 0.1, scale_attn_by_inverse_layer_idx: false,
  scale_attn_weights: true, summary_activation: null, summary_first_dropout: 0.1, summary_proj_to_labels: true,
  summary_type: 'cls_index', summary_use_proj: true, tie_word_embeddings: true, transformers_version: TRANSFORMERS_VERSION,
  use_cache: true, vocab_size: 50257,
};

const LLAMA_DEFAULTS: Json = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: null, dtype: 'float32',
  eos_token_id: null, head_dim: 128, hidden_act: 'silu', hidden_size: 4096, initializer_range: 0.02, intermediate_size: 11008,
  max_position_embeddings: 2048, mlp_bias: false, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 32,
  num_key_value_heads: 32, pad_token_id: null, pretraining_tp: 1, rms_norm_eps: 1e-6,
  rope_parameters: { rope_theta: 10000.0, rope_type: 'default' }, tie_word_embeddings: false,
  transformers_version: TRANSFORMERS_VERSION, use_cache: true, vocab_size: 32000,
};

/** Keys that only describe how the file was written; never taken from `base`. */
const BOOKKEEPING = new Set(['transformers_version', 'dtype', 'torch_dtype']);

export interface TokenIds { bos: number | null; eos: number | number[] | null; pad: number | null }

function mathOf(arch: HfArch, c: ModelConfig): Json {
  if (arch === 'gpt2') {
    return {
      n_embd: c.dModel, n_head: c.nHead, n_layer: c.nLayer, n_positions: c.contextLength, vocab_size: c.vocabSize,
      n_inner: c.mlpHidden === 4 * c.dModel ? null : c.mlpHidden, layer_norm_epsilon: c.normEps,
      tie_word_embeddings: c.tiedEmbeddings, activation_function: 'gelu_new',
    };
  }
  return {
    hidden_size: c.dModel, num_attention_heads: c.nHead, num_key_value_heads: c.nKvHead, num_hidden_layers: c.nLayer,
    head_dim: headDim(c), intermediate_size: c.mlpHidden, max_position_embeddings: c.contextLength, vocab_size: c.vocabSize,
    rms_norm_eps: c.normEps, attention_bias: c.bias, mlp_bias: mlpHasBias(c), tie_word_embeddings: c.tiedEmbeddings,
    rope_parameters: { rope_theta: c.ropeBase, rope_type: 'default' }, hidden_act: 'silu',
  };
}

/** config.json for `c`, keys sorted as save_pretrained sorts them. */
export function hfConfigJson(c: ModelConfig, options: { base?: Json | null; tokens?: TokenIds; dtype?: string } = {}): Json {
  const arch = hfArchOf(c);
  const out: Json = { ...(arch === 'gpt2' ? GPT2_DEFAULTS : LLAMA_DEFAULTS) };
  const base = options.base ?? null;
  if (base) {
    for (const key of Object.keys(out)) if (key in base && !BOOKKEEPING.has(key)) out[key] = base[key];
    // A config written before transformers 5 keeps its rope_theta form.
    if (arch === 'llama' && !('rope_parameters' in base) && 'rope_theta' in base) delete out.rope_parameters;
  }
  if (options.tokens) Object.assign(out, { bos_token_id: options.tokens.bos, eos_token_id: options.tokens.eos, pad_token_id: options.tokens.pad });
  const math = mathOf(arch, c);
  if (!('rope_parameters' in out) && arch === 'llama') { out.rope_theta = c.ropeBase; delete math.rope_parameters; }
  Object.assign(out, math, { dtype: options.dtype ?? 'float32' });
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}
