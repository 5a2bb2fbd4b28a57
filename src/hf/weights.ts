// Which Hugging Face tensors make up each TabGPT parameter, per architecture, and the exact
// (copy / transpose / stack) conversion both ways. A TabGPT parameter is the row-wise stack of its
// parts: Llama's qkv = [q_proj; k_proj; v_proj], its fc = [gate_proj; up_proj] (SwiGLU's [g | u]);
// GPT-2 stores its linear weights as Conv1D, (in, out), so each part is transposed.
// Both directions only move f32 values, so export(import(x)) is bit-exact.
// Does not read files (folder.ts) or convert dtypes (dtype.ts).
import { type ModelConfig, fcWidth, headDim, mlpHasBias } from '../model/config';
import { paramSpecs } from '../model/params';
import type { HfArch } from './config-read';
import { hfFail } from './errors';

export interface HfPart {
  name: string;
  /** Shape as stored in the Hugging Face file. */
  shape: number[];
  /** Stored (in, out) — GPT-2's Conv1D — where TabGPT keeps (out, in). */
  transpose: boolean;
}

export interface ParamPlan {
  name: string;
  shape: number[];
  parts: HfPart[];
}

const part = (name: string, shape: number[], transpose = false): HfPart => ({ name, shape, transpose });

/** TabGPT parameter name → its Hugging Face parts, for every parameter the config implies. */
function gpt2Parts(c: ModelConfig, name: string, shape: number[]): HfPart[] {
  const t = 'transformer.';
  if (name === 'wte') return [part(`${t}wte.weight`, shape)];
  if (name === 'wpe') return [part(`${t}wpe.weight`, shape)];
  if (name === 'lm_head.weight') return [part('lm_head.weight', shape)];
  const m = /^(?:h\.(\d+)\.)?(ln1|ln2|lnf|attn\.qkv|attn\.proj|mlp\.fc|mlp\.proj)\.(weight|bias)$/.exec(name);
  if (!m) return hfFail(`internal: no GPT-2 name for parameter ${name}`);
  const [, layer, what, kind] = m;
  const hf = { ln1: 'ln_1', ln2: 'ln_2', lnf: 'ln_f', 'attn.qkv': 'attn.c_attn', 'attn.proj': 'attn.c_proj', 'mlp.fc': 'mlp.c_fc', 'mlp.proj': 'mlp.c_proj' }[what]!;
  const full = `${t}${layer === undefined ? '' : `h.${layer}.`}${hf}.${kind}`;
  const isLinear = !what.startsWith('ln');
  return kind === 'weight' && isLinear ? [part(full, [shape[1], shape[0]], true)] : [part(full, shape)];
}

function llamaParts(c: ModelConfig, name: string, shape: number[]): HfPart[] {
  if (name === 'wte') return [part('model.embed_tokens.weight', shape)];
  if (name === 'lm_head.weight') return [part('lm_head.weight', shape)];
  if (name === 'lnf.weight') return [part('model.norm.weight', shape)];
  const m = /^h\.(\d+)\.(ln1|ln2|attn\.qkv|attn\.proj|mlp\.fc|mlp\.proj)\.(weight|bias)$/.exec(name);
  if (!m) return hfFail(`internal: no Llama name for parameter ${name}`);
  const [, layer, what, kind] = m;
  const p = `model.layers.${layer}.`;
  const cols = shape.slice(1);
  const rows = (n: number) => [n, ...cols];
  const hd = headDim(c);
  switch (what) {
    case 'ln1': return [part(`${p}input_layernorm.${kind}`, shape)];
    case 'ln2': return [part(`${p}post_attention_layernorm.${kind}`, shape)];
    case 'attn.qkv': return [
      part(`${p}self_attn.q_proj.${kind}`, rows(c.nHead * hd)),
      part(`${p}self_attn.k_proj.${kind}`, rows(c.nKvHead * hd)),
      part(`${p}self_attn.v_proj.${kind}`, rows(c.nKvHead * hd)),
    ];
    case 'attn.proj': return [part(`${p}self_attn.o_proj.${kind}`, shape)];
    case 'mlp.fc': return [part(`${p}mlp.gate_proj.${kind}`, rows(fcWidth(c) / 2)), part(`${p}mlp.up_proj.${kind}`, rows(fcWidth(c) / 2))];
    default: return [part(`${p}mlp.down_proj.${kind}`, shape)];
  }
}

/** The conversion plan for a config in an architecture; refuses configs the architecture cannot express. */
export function weightPlan(arch: HfArch, c: ModelConfig): ParamPlan[] {
  if (arch === 'gpt2' && !(c.norm === 'layernorm' && c.positions === 'learned' && c.mlp === 'gelu' && c.bias && mlpHasBias(c) && c.nKvHead === c.nHead))
    hfFail('internal: a GPT-2 plan needs LayerNorm, learned positions, GELU, biases and multi-head attention');
  if (arch === 'llama' && !(c.norm === 'rmsnorm' && c.positions === 'rope' && c.mlp === 'swiglu'))
    hfFail('internal: a Llama plan needs RMSNorm, RoPE and SwiGLU');
  return paramSpecs(c).map(({ name, shape }) => ({ name, shape, parts: (arch === 'gpt2' ? gpt2Parts : llamaParts)(c, name, shape) }));
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Copies `src` (rows, cols) into `dst` transposed (cols, rows), or back. */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array, dstOffset: number): void {
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) dst[dstOffset + k * rows + r] = src[r * cols + k];
}

/** Builds one TabGPT parameter from its parts; `get` returns a part's values in its HF shape. */
export function assembleParam(plan: ParamPlan, get: (p: HfPart) => Float32Array): Float32Array {
  if (plan.parts.length === 1 && !plan.parts[0].transpose) return get(plan.parts[0]);
  const out = new Float32Array(count(plan.shape));
  let at = 0;
  for (const p of plan.parts) {
    const data = get(p);
    if (p.transpose) transposeInto(data, p.shape[0], p.shape[1], out, at);
    else out.set(data, at);
    at += data.length;
  }
  return out;
}

/** Splits one TabGPT parameter (or gradient) into its Hugging Face tensors. */
export function splitParam(plan: ParamPlan, data: Float32Array): { name: string; shape: number[]; data: Float32Array }[] {
  let at = 0;
  return plan.parts.map((p) => {
    const n = count(p.shape);
    const block = data.subarray(at, at + n);
    at += n;
    if (!p.transpose) return { name: p.name, shape: p.shape, data: Float32Array.from(block) };
    const out = new Float32Array(n);
    transposeInto(block, p.shape[1], p.shape[0], out, 0); // TabGPT (out, in) → HF (in, out)
    return { name: p.name, shape: p.shape, data: out };
  });
}
