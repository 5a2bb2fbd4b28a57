// AdamW on top of the TF.js oracle's gradients, with PyTorch's torch.optim.AdamW semantics and
// torch.nn.utils.clip_grad_norm_ before each update. Parameters and moments are stored as f32,
// like the GPU engine's; the arithmetic of one update runs in float64 and is rounded once per store.
// Test-only: it runs whole steps for comparison, it is not a trainer.
import { checkParams, paramShapes, type OracleBatch, type OracleConfig, type Params } from './config';
import { tfGptLoss } from './tf-gpt';

export interface AdamWHyper {
  /** One rate for every step, or one per step (index k is step k + 1). */
  lr: number | readonly number[];
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled decay, applied only to 2-D parameters (matrices and embeddings). */
  weightDecay: number;
  /** Global L2 clipping threshold; Infinity disables clipping. */
  maxNorm: number;
}

export interface AdamWResult {
  /** Loss of each step's batch, measured before that step's update. */
  losses: number[];
  /** Global gradient L2 norm of each step, before clipping. */
  gradNorms: number[];
  /** Parameters after the last step (the input is not modified). */
  params: Params;
}

/** Runs one AdamW step per batch, starting from fresh (zero) moments at step 1. */
export function tfAdamWSteps(config: OracleConfig, params: Params, batches: readonly OracleBatch[], hyper: AdamWHyper): AdamWResult {
  checkParams(config, params);
  const { beta1, beta2, eps, weightDecay, maxNorm } = hyper;
  if (Array.isArray(hyper.lr) && hyper.lr.length < batches.length) {
    throw new Error(`oracle: ${hyper.lr.length} learning rates for ${batches.length} steps`);
  }
  const shapes = paramShapes(config);
  const p: Params = {};
  const m: Params = {};
  const v: Params = {};
  for (const name of shapes.keys()) {
    p[name] = Float32Array.from(params[name]);
    m[name] = new Float32Array(p[name].length);
    v[name] = new Float32Array(p[name].length);
  }
  const losses: number[] = [];
  const gradNorms: number[] = [];
  batches.forEach((batch, k) => {
    const step = k + 1;
    const lr = typeof hyper.lr === 'number' ? hyper.lr : hyper.lr[k];
    const { loss, grads } = tfGptLoss(config, p, batch.tokens, batch.targets, batch.B, batch.T);
    let sumSq = 0;
    for (const g of Object.values(grads)) for (const x of g) sumSq += x * x;
    const norm = Math.sqrt(sumSq);
    if (!Number.isFinite(norm)) throw new Error(`oracle: non-finite gradient norm at step ${step}`);
    const clip = Math.min(1, maxNorm / (norm + 1e-6));
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    for (const [name, shape] of shapes) {
      const decay = shape.length === 2 ? 1 - lr * weightDecay : 1;
      const [pn, mn, vn, gn] = [p[name], m[name], v[name], grads[name]];
      for (let i = 0; i < pn.length; i++) {
        const g = Math.fround(gn[i] * clip);
        mn[i] = beta1 * mn[i] + (1 - beta1) * g;
        vn[i] = beta2 * vn[i] + (1 - beta2) * g * g;
        pn[i] = pn[i] * decay - (stepSize * mn[i]) / (Math.sqrt(vn[i]) / bc2Sqrt + eps);
      }
    }
    losses.push(loss);
    gradNorms.push(norm);
  });
  return { losses, gradNorms, params: p };
}
