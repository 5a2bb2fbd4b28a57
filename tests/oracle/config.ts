// The oracle's view of the model: config fields, parameter names and shapes, GPT-2 init, and input
// checks — straight from docs/CONTRACTS.md "Model definition".
// Test-only and independent of src/model on purpose: the GPU engine's own shape table is compared
// against paramShapes() by a test, so neither side can silently drift.
import { Rng } from '../../src/util/rng';

/** The fields of the model config the oracle reads (src/model/config.ts has the same names). */
export interface OracleConfig {
  readonly vocabSize: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nKvHead: number;
  readonly dModel: number;
  readonly contextLength: number;
  readonly norm: 'layernorm' | 'rmsnorm';
  readonly positions: 'learned' | 'rope';
  readonly mlp: 'gelu' | 'swiglu';
  /** Resolved hidden width H (the config module applies the defaults). */
  readonly mlpHidden: number;
  readonly tiedEmbeddings: boolean;
  readonly bias: boolean;
  /** Biases of the MLP's linears when they differ from `bias` (Llama's mlp_bias); absent: `bias`. */
  readonly mlpBias?: boolean;
  readonly ropeBase: number;
  readonly normEps: number;
}

/** One batch: tokens and targets are (B*T) row-major; target −1 means "not counted". */
export interface OracleBatch {
  readonly tokens: Int32Array;
  readonly targets: Int32Array;
  readonly B: number;
  readonly T: number;
}

export type Params = Record<string, Float32Array>;

export function headDim(config: OracleConfig): number {
  return config.dModel / config.nHead;
}

/** Expected name → shape map, in the order the spec lists them (initParams draws in this order). */
export function paramShapes(config: OracleConfig): Map<string, number[]> {
  const { vocabSize: V, dModel: C, nHead, nKvHead, mlpHidden: H, bias } = config;
  const hd = headDim(config);
  const shapes = new Map<string, number[]>();
  const linear = (name: string, out: number, inp: number, withBias = bias): void => {
    shapes.set(`${name}.weight`, [out, inp]);
    if (withBias) shapes.set(`${name}.bias`, [out]);
  };
  // RMSNorm never has a bias; LayerNorm has one iff `bias`.
  const norm = (name: string): void => {
    shapes.set(`${name}.weight`, [C]);
    if (bias && config.norm === 'layernorm') shapes.set(`${name}.bias`, [C]);
  };
  shapes.set('wte', [V, C]);
  if (config.positions === 'learned') shapes.set('wpe', [config.contextLength, C]);
  for (let i = 0; i < config.nLayer; i++) {
    norm(`h.${i}.ln1`);
    linear(`h.${i}.attn.qkv`, (nHead + 2 * nKvHead) * hd, C);
    linear(`h.${i}.attn.proj`, C, C);
    norm(`h.${i}.ln2`);
    linear(`h.${i}.mlp.fc`, config.mlp === 'swiglu' ? 2 * H : H, C, config.mlpBias ?? bias);
    linear(`h.${i}.mlp.proj`, C, H, config.mlpBias ?? bias);
  }
  norm('lnf');
  if (!config.tiedEmbeddings) shapes.set('lm_head.weight', [V, C]);
  return shapes;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * GPT-2 init: weights N(0, 0.02), residual projections (attn.proj, mlp.proj) N(0, 0.02/√(2·nLayer)),
 * biases 0, norm weights 1. One Rng(seed) draws the normal tensors in paramShapes() order, so any
 * implementation that walks the same order gets bit-identical weights.
 */
export function initParams(config: OracleConfig, seed: number): Params {
  checkConfig(config);
  const rng = new Rng(seed);
  const residualStd = 0.02 / Math.sqrt(2 * config.nLayer);
  const params: Params = {};
  for (const [name, shape] of paramShapes(config)) {
    const n = numel(shape);
    if (name.endsWith('.bias')) params[name] = new Float32Array(n);
    else if (shape.length === 1) params[name] = new Float32Array(n).fill(1);
    else if (/\.(attn|mlp)\.proj\.weight$/.test(name)) params[name] = rng.normals(n, residualStd);
    else params[name] = rng.normals(n, 0.02);
  }
  return params;
}

export function checkConfig(config: OracleConfig): void {
  const { dModel, nHead, nKvHead } = config;
  if (dModel % nHead !== 0) throw new Error(`oracle: dModel ${dModel} is not a multiple of nHead ${nHead}`);
  if (nHead % nKvHead !== 0) throw new Error(`oracle: nHead ${nHead} is not a multiple of nKvHead ${nKvHead}`);
  if (config.positions === 'rope' && headDim(config) % 2 !== 0) {
    throw new Error(`oracle: RoPE needs an even head dim, got ${headDim(config)}`);
  }
}

/** Throws unless params holds exactly the expected names with the expected sizes. */
export function checkParams(config: OracleConfig, params: Record<string, ArrayLike<number>>): void {
  const shapes = paramShapes(config);
  for (const [name, shape] of shapes) {
    const p = params[name];
    if (!p) throw new Error(`oracle: missing parameter ${name}`);
    if (p.length !== numel(shape)) throw new Error(`oracle: ${name} has ${p.length} values, want ${numel(shape)} (${shape.join('×')})`);
  }
  for (const name of Object.keys(params)) {
    if (!shapes.has(name)) throw new Error(`oracle: unexpected parameter ${name}`);
  }
}

export function checkBatch(config: OracleConfig, { tokens, targets, B, T }: OracleBatch): void {
  const N = B * T;
  if (tokens.length !== N || targets.length !== N) {
    throw new Error(`oracle: tokens/targets have ${tokens.length}/${targets.length} entries, want B*T = ${N}`);
  }
  if (T > config.contextLength) throw new Error(`oracle: T ${T} exceeds contextLength ${config.contextLength}`);
  const V = config.vocabSize;
  for (let i = 0; i < N; i++) {
    if (!(tokens[i] >= 0 && tokens[i] < V)) throw new Error(`oracle: token ${tokens[i]} at ${i} outside [0, ${V})`);
    if (!(targets[i] >= -1 && targets[i] < V)) throw new Error(`oracle: target ${targets[i]} at ${i} outside [-1, ${V})`);
  }
}
