// The model's configuration: one plain typed object with defaults, presets as small override
// files, and a validator that rejects unknown keys and bad values with a readable message.
// It does not know about GPUs or training; see gpt.ts and src/train/.
import { preview } from '../util/preview';

export type NormKind = 'layernorm' | 'rmsnorm';
export type PositionKind = 'learned' | 'rope';
export type MlpKind = 'gelu' | 'swiglu';

export interface ModelConfig {
  vocabSize: number;
  nLayer: number;
  nHead: number;
  /** Key/value heads; equal to nHead for multi-head attention, a divisor of it for grouped-query. */
  nKvHead: number;
  dModel: number;
  contextLength: number;
  norm: NormKind;
  positions: PositionKind;
  mlp: MlpKind;
  /** MLP hidden width H (the fc layer has H outputs, or 2H for SwiGLU's gate and up). */
  mlpHidden: number;
  tiedEmbeddings: boolean;
  /** Biases in linear layers and LayerNorm. */
  bias: boolean;
  /** Biases in the MLP's linear layers when they differ from `bias` (a Llama checkpoint's
   *  mlp_bias ≠ attention_bias); absent means the same as `bias`. */
  mlpBias?: boolean;
  ropeBase: number;
  normEps: number;
}

export type ConfigOverrides = Partial<ModelConfig>;

const BASE: Omit<ModelConfig, 'mlpHidden'> = {
  vocabSize: 256,
  nLayer: 2,
  nHead: 4,
  nKvHead: 4,
  dModel: 128,
  contextLength: 64,
  norm: 'layernorm',
  positions: 'learned',
  mlp: 'gelu',
  tiedEmbeddings: true,
  bias: true,
  ropeBase: 10000,
  normEps: 1e-5,
};

export const PRESETS: Record<string, ConfigOverrides> = {
  tiny: { nLayer: 2, dModel: 128, nHead: 4, nKvHead: 4, contextLength: 64 },
  small: { nLayer: 6, dModel: 384, nHead: 6, nKvHead: 6, contextLength: 256 },
  gpt2: { nLayer: 12, dModel: 768, nHead: 12, nKvHead: 12, contextLength: 1024, vocabSize: 50257 },
};

/** The Llama-style variant of any preset: RMSNorm, RoPE, SwiGLU, grouped-query heads, no biases. */
export const LLAMA_STYLE: ConfigOverrides = { norm: 'rmsnorm', positions: 'rope', mlp: 'swiglu', bias: false, tiedEmbeddings: false };

export function defaultMlpHidden(mlp: MlpKind, dModel: number): number {
  return mlp === 'gelu' ? 4 * dModel : Math.ceil((8 * dModel) / 3 / 8) * 8;
}

export class ConfigError extends Error {
  constructor(message: string) { super(message); this.name = 'ConfigError'; }
}

const KEYS = new Set<string>([...Object.keys(BASE), 'mlpHidden']);
const OPTIONAL_KEYS = new Set<string>(['mlpBias']);

const intIn = (k: keyof ModelConfig, lo: number, hi: number) => (v: unknown) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new ConfigError(`${k} must be an integer from ${lo} to ${hi}, got ${preview(v)}.`);
};
const oneOf = (k: keyof ModelConfig, allowed: readonly string[]) => (v: unknown) => {
  if (typeof v !== 'string' || !allowed.includes(v)) throw new ConfigError(`${k} must be one of ${allowed.join(', ')}, got ${preview(v)}.`);
};
const bool = (k: keyof ModelConfig) => (v: unknown) => {
  if (typeof v !== 'boolean') throw new ConfigError(`${k} must be true or false, got ${preview(v)}.`);
};
const num = (k: keyof ModelConfig, lo: number, hi: number) => (v: unknown) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= lo || v > hi) throw new ConfigError(`${k} must be a number in (${lo}, ${hi}], got ${preview(v)}.`);
};

const CHECKS: Record<keyof ModelConfig, (v: unknown) => void> = {
  vocabSize: intIn('vocabSize', 2, 1 << 20),
  nLayer: intIn('nLayer', 1, 256),
  nHead: intIn('nHead', 1, 256),
  nKvHead: intIn('nKvHead', 1, 256),
  dModel: intIn('dModel', 4, 65536),
  contextLength: intIn('contextLength', 1, 1 << 16),
  norm: oneOf('norm', ['layernorm', 'rmsnorm']),
  positions: oneOf('positions', ['learned', 'rope']),
  mlp: oneOf('mlp', ['gelu', 'swiglu']),
  mlpHidden: intIn('mlpHidden', 1, 1 << 20),
  tiedEmbeddings: bool('tiedEmbeddings'),
  bias: bool('bias'),
  mlpBias: (v) => { if (v !== undefined) bool('mlpBias')(v); },
  ropeBase: num('ropeBase', 1, 1e9),
  normEps: num('normEps', 0, 1),
};

/** Builds a full config from overrides (a preset, a checkpoint's JSON, a share link), rejecting
 *  unknown keys, wrong types and inconsistent values. */
export function makeConfig(...overrides: (ConfigOverrides | Record<string, unknown>)[]): ModelConfig {
  const merged: Record<string, unknown> = { ...BASE };
  for (const o of overrides) {
    for (const [k, v] of Object.entries(o)) {
      if (!KEYS.has(k) && !OPTIONAL_KEYS.has(k)) throw new ConfigError(`Unknown model setting ${preview(k, 40)}. Known settings: ${[...KEYS, ...OPTIONAL_KEYS].join(', ')}.`);
      if (v !== undefined) merged[k] = v;
    }
  }
  if (merged.mlpHidden === undefined) {
    if (typeof merged.dModel === 'number') merged.mlpHidden = defaultMlpHidden(merged.mlp as MlpKind, merged.dModel);
  }
  for (const k of [...KEYS, ...OPTIONAL_KEYS]) CHECKS[k as keyof ModelConfig](merged[k]);
  if (merged.mlpBias === undefined || merged.mlpBias === merged.bias) delete merged.mlpBias;
  const c = merged as unknown as ModelConfig;
  if (c.dModel % c.nHead !== 0) throw new ConfigError(`dModel (${c.dModel}) must be divisible by nHead (${c.nHead}).`);
  if (c.nHead % c.nKvHead !== 0) throw new ConfigError(`nHead (${c.nHead}) must be divisible by nKvHead (${c.nKvHead}).`);
  const hd = c.dModel / c.nHead;
  if (hd % 4 !== 0 || hd > 128) throw new ConfigError(`The head size dModel/nHead = ${hd} must be a multiple of 4 and at most 128.`);
  if (c.positions === 'rope' && hd % 2 !== 0) throw new ConfigError(`RoPE needs an even head size, got ${hd}.`);
  return { ...c };
}

export function presetConfig(name: string, overrides: ConfigOverrides = {}): ModelConfig {
  // Object.hasOwn: "toString" is not a preset.
  const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!p) throw new ConfigError(`Unknown preset ${preview(name, 40)}. Presets: ${Object.keys(PRESETS).join(', ')}.`);
  return makeConfig(p, overrides);
}

export const headDim = (c: ModelConfig): number => c.dModel / c.nHead;
/** Whether the MLP's linear layers have biases. */
export const mlpHasBias = (c: ModelConfig): boolean => c.mlpBias ?? c.bias;
/** Width of a qkv row: nHead query heads, then nKvHead key and nKvHead value heads. */
export const qkvWidth = (c: ModelConfig): number => (c.nHead + 2 * c.nKvHead) * headDim(c);
/** Output width of the fc layer (2H for SwiGLU: gate and up). */
export const fcWidth = (c: ModelConfig): number => (c.mlp === 'swiglu' ? 2 : 1) * c.mlpHidden;
