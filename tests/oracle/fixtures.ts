// Tiny configs, O(1)-scaled random parameters and batches for the oracle's own tests.
// GPT-2 init (std 0.02) leaves attention nearly uniform and most gradients tiny, which would hide
// mistakes; these parameters make every path (softmax, norms, biases, RoPE) matter.
import { Rng } from '../../src/util/rng';
import { numel, paramShapes, type OracleBatch, type OracleConfig, type Params } from './config';

const base = { vocabSize: 19, nLayer: 2, dModel: 16, contextLength: 8, ropeBase: 10000, normEps: 1e-5 };

export const gpt2Tiny: OracleConfig = {
  ...base, nHead: 4, nKvHead: 4, norm: 'layernorm', positions: 'learned', mlp: 'gelu',
  mlpHidden: 64, tiedEmbeddings: true, bias: true,
};

/** Grouped-query (4 query heads on 2 kv heads); H = 8·16/3 rounded up to a multiple of 8. */
export const llamaTiny: OracleConfig = {
  ...base, nHead: 4, nKvHead: 2, norm: 'rmsnorm', positions: 'rope', mlp: 'swiglu',
  mlpHidden: 48, tiedEmbeddings: false, bias: false,
};

export function randomParams(config: OracleConfig, seed: number): Params {
  const rng = new Rng(seed);
  const params: Params = {};
  for (const [name, shape] of paramShapes(config)) {
    const n = numel(shape);
    if (name === 'wte' || name === 'wpe') params[name] = rng.normals(n, 1);
    else if (shape.length === 2) params[name] = rng.normals(n, 1 / Math.sqrt(shape[1]));
    else if (name.endsWith('.bias')) params[name] = rng.normals(n, 0.1);
    else params[name] = Float32Array.from(rng.normals(n, 0.2), (x) => 1 + x);
  }
  return params;
}

/** Random tokens and targets (B*T), with the target at each listed position set to −1 (ignored). */
export function randomBatch(config: OracleConfig, B: number, T: number, seed: number, ignored: number[] = []): OracleBatch {
  const rng = new Rng(seed);
  const N = B * T;
  const tokens = Int32Array.from({ length: N }, () => rng.int(config.vocabSize));
  const targets = Int32Array.from({ length: N }, () => rng.int(config.vocabSize));
  for (const i of ignored) targets[i] = -1;
  return { tokens, targets, B, T };
}
