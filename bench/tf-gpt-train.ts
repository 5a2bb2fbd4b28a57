// The training-benchmark peer: the TF.js oracle's GPT (tests/oracle/tf-gpt.ts, the same model as
// docs/CONTRACTS.md) trained on TF.js's WebGPU backend — forward, loss, tf.variableGrads, then
// global-norm clipping and AdamW written in tf ops, so a step does the same work as ours.
// It only times nothing itself; bench/train.ts does. The oracle's forward is imported, not copied.
import { register } from 'node:module';
import type { ModelConfig } from '../src/model/config';
import type { Batch } from '../src/data/batcher';
import type { AdamWHyper } from '../src/train/optimizer';
import type { Tf, TfPeer } from './tfjs';

type Oracle = typeof import('../tests/oracle/tf-gpt') & typeof import('../tests/oracle/tf-layers');
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Variable = import('@tensorflow/tfjs-core').Variable;

// tfjs-core's ESM build (which alone holds the gradient registrations) imports './x' without
// extensions, and './gradients' is both a file and a folder, which Node's ESM resolver (and tsx)
// rejects. This resolve hook tries the '.js' file first for extensionless paths into tfjs-core/dist.
// The gradients register into TF.js's global registry, so the CommonJS tfjs-core sees them too.
const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  const inCore = (context.parentURL ?? '').includes('/@tensorflow/tfjs-core/dist/');
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  const deep = specifier.startsWith('@tensorflow/tfjs-core/dist/');
  if (((inCore && relative) || deep) && !/\\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + '.js', context); } catch { /* fall through */ }
  }
  return next(specifier, context);
}`;

let oracle: Promise<Oracle> | null = null;

/** Loads the oracle's model code (after initTfjs, so TF.js's WebGPU backend is already chosen). */
export function loadOracle(): Promise<Oracle> {
  oracle ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
    const [gpt, layers] = await Promise.all([import('../tests/oracle/tf-gpt'), import('../tests/oracle/tf-layers')]);
    return { ...gpt, ...layers };
  })();
  return oracle;
}

interface Slot { p: Variable; m: Variable; v: Variable; decay: boolean }

let seq = 0;

export class TfGptTrainer {
  private readonly slots = new Map<string, Slot>();
  private readonly prefix = `bench-train-${seq++}`;
  private t = 0;

  private constructor(private readonly tf: Tf, private readonly o: Oracle, readonly config: ModelConfig,
    readonly B: number, readonly T: number, private readonly hyper: AdamWHyper) {}

  /** Variables from `weights` (the same initial values as ours), zero moments. */
  static async create(peer: TfPeer, config: ModelConfig, weights: Record<string, Float32Array>, shapes: Map<string, number[]>,
    B: number, T: number, hyper: AdamWHyper): Promise<TfGptTrainer> {
    const o = await loadOracle();
    const { tf } = peer;
    const tr = new TfGptTrainer(tf, o, config, B, T, hyper);
    for (const [name, shape] of shapes) {
      const p = tf.variable(tf.tensor(weights[name], shape), true, `${tr.prefix}/${name}`);
      const m = tf.variable(tf.zeros(shape), false, `${tr.prefix}/${name}.m`);
      const v = tf.variable(tf.zeros(shape), false, `${tr.prefix}/${name}.v`);
      tr.slots.set(name, { p, m, v, decay: shape.length === 2 });
    }
    return tr;
  }

  /** One optimizer step on `batch` at rate `lr`; resolves with the loss once the GPU has run it all. */
  async step(batch: Batch, lr: number): Promise<number> {
    const { tf, o, config, B, T } = this;
    const params = Object.fromEntries([...this.slots].map(([name, s]) => [name, s.p as Tensor]));
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => o.meanNll(o.gptForward(config, params, batch.inputs, batch.targets, B, T).logp, batch.targets),
        [...this.slots.values()].map((s) => s.p));
      this.update(grads, lr);
      return value;
    });
    const [value] = await loss.data();
    loss.dispose();
    return value;
  }

  /** Clip by global norm, then AdamW (PyTorch semantics), all as tf ops: no readback. */
  private update(grads: Record<string, Tensor>, lr: number): void {
    const { tf } = this;
    const { beta1, beta2, eps, weightDecay, gradClip } = this.hyper;
    this.t++;
    const g = (name: string) => grads[`${this.prefix}/${name}`];
    // Pairwise adds, not tf.addN: addN is wrong on WebGPU with 8 or more inputs (TFJS-NOTES.md).
    let sumSq: Tensor = tf.scalar(0);
    for (const name of this.slots.keys()) sumSq = tf.add(sumSq, tf.sum(tf.square(g(name))));
    const clip = gradClip > 0 ? tf.minimum(1, tf.div(gradClip, tf.add(tf.sqrt(sumSq), 1e-6))) : tf.scalar(1);
    const stepSize = lr / (1 - beta1 ** this.t);
    const bc2 = 1 - beta2 ** this.t;
    for (const [name, s] of this.slots) {
      const gc = tf.mul(g(name), clip);
      const m = tf.add(tf.mul(s.m, beta1), tf.mul(gc, 1 - beta1));
      const v = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(gc), 1 - beta2));
      const upd = tf.mul(tf.div(m, tf.add(tf.sqrt(tf.div(v, bc2)), eps)), stepSize);
      const decayed = s.decay ? tf.mul(s.p, 1 - lr * weightDecay) : s.p;
      s.m.assign(m);
      s.v.assign(v);
      s.p.assign(tf.sub(decayed, upd));
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) { s.p.dispose(); s.m.dispose(); s.v.dispose(); }
    this.slots.clear();
  }
}
