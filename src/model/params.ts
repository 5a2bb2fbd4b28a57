// The parameter list implied by a config: names, shapes, weight decay and initialisation.
// Pure data; GPU storage lives in gpt.ts. Names follow docs/CONTRACTS.md.
import { type ModelConfig, fcWidth, mlpHasBias, qkvWidth } from './config';
import { Rng } from '../util/rng';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Weight decay applies to 2-D weights (matrices, embeddings) only. */
  decay: boolean;
  init: { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };
}

export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const C = c.dModel;
  const std = 0.02;
  const residualStd = 0.02 / Math.sqrt(2 * c.nLayer);
  const out: ParamSpec[] = [];
  const matrix = (name: string, shape: number[], s = std) => out.push({ name, shape, decay: true, init: { kind: 'normal', std: s } });
  const vector = (name: string, n: number, kind: 'zeros' | 'ones') => out.push({ name, shape: [n], decay: false, init: { kind } });
  const norm = (prefix: string) => {
    vector(`${prefix}.weight`, C, 'ones');
    if (c.norm === 'layernorm' && c.bias) vector(`${prefix}.bias`, C, 'zeros');
  };
  const linear = (prefix: string, outDim: number, inDim: number, s = std, bias = c.bias) => {
    matrix(`${prefix}.weight`, [outDim, inDim], s);
    if (bias) vector(`${prefix}.bias`, outDim, 'zeros');
  };
  matrix('wte', [c.vocabSize, C]);
  if (c.positions === 'learned') matrix('wpe', [c.contextLength, C]);
  for (let i = 0; i < c.nLayer; i++) {
    norm(`h.${i}.ln1`);
    linear(`h.${i}.attn.qkv`, qkvWidth(c), C);
    linear(`h.${i}.attn.proj`, C, C, residualStd);
    norm(`h.${i}.ln2`);
    linear(`h.${i}.mlp.fc`, fcWidth(c), C, std, mlpHasBias(c));
    linear(`h.${i}.mlp.proj`, C, c.mlpHidden, residualStd, mlpHasBias(c));
  }
  norm('lnf');
  if (!c.tiedEmbeddings) matrix('lm_head.weight', [c.vocabSize, C]);
  return out;
}

export const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((s, p) => s + numel(p.shape), 0);
}

/** name -> shape, for checkpoint validation. */
export function expectedShapes(c: ModelConfig): Record<string, number[]> {
  return Object.fromEntries(paramSpecs(c).map((p) => [p.name, p.shape]));
}

/** GPT-2 initialisation on the CPU from a seed, in spec order (so it is repeatable). */
export function initParams(c: ModelConfig, seed: number): Record<string, Float32Array> {
  const rng = new Rng(seed);
  const out: Record<string, Float32Array> = {};
  for (const p of paramSpecs(c)) {
    const n = numel(p.shape);
    if (p.init.kind === 'normal') out[p.name] = rng.normals(n, p.init.std);
    else out[p.name] = new Float32Array(n).fill(p.init.kind === 'ones' ? 1 : 0);
  }
  return out;
}
