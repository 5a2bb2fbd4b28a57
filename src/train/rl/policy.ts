// The GPU side shared by every RL method: the trainable policy with its LM head, one activation
// plan for (rows, T) that the frozen reference (and a reward model of the same shape) reuse for
// their forward passes, a batch slot (tokens, targets, embedding buckets), and AdamW over the
// policy's parameters plus any extra tensors (PPO's value head).
// Per-token log-probs come from the LM head's `losses` (= −log p(target)); every RL objective
// fills head.rowGrad (∂L/∂losses) on the GPU and calls backward().
// It does not sample, score or choose a loss (ppo.ts, grpo.ts, dpo.ts do).
import type { Gpu } from '../../gpu/gpu';
import type { StepEncoder } from '../../gpu/step-encoder';
import type { Gpt } from '../../model/gpt';
import { LmHead } from '../../model/heads';
import { planActivations, releaseActivations, type Activations } from '../../model/activations';
import { linearForward } from '../../kernels/matmul';
import { crossEntropyForward } from '../../kernels/crossentropy';
import { embeddingBuckets } from '../../kernels/embedding';
import { AdamW, type AdamWHyper, type OptTensor } from '../optimizer';
import type { PackedBatch } from './batch';

export class PolicyRunner {
  readonly acts: Activations;
  readonly head: LmHead;
  readonly opt: AdamW;
  readonly tokens: GPUBuffer;  // (rows·T) i32
  readonly targets: GPUBuffer; // (rows·T) i32
  private readonly buckets: GPUBuffer;
  private numIds = 0;

  constructor(readonly gpu: Gpu, readonly policy: Gpt, readonly rows: number, readonly T: number, hyper: AdamWHyper, extra: OptTensor[] = []) {
    if (T > policy.config.contextLength) throw new Error(`RL sequences of ${T} tokens exceed the model's context length ${policy.config.contextLength}.`);
    const N = rows * T;
    this.acts = planActivations(gpu, policy.config, rows, T);
    this.head = new LmHead(policy, N);
    const tensors = [...policy.params.values()].map((p) => ({ name: p.spec.name, n: p.n, data: p.data, grad: p.grad, decay: p.spec.decay }));
    this.opt = new AdamW(gpu, [...tensors, ...extra], hyper);
    this.tokens = gpu.buffer(4 * N, 'rl.tokens');
    this.targets = gpu.buffer(4 * N, 'rl.targets');
    this.buckets = gpu.buffer(4 * (2 * Math.min(policy.config.vocabSize, N) + 1 + N), 'rl.buckets');
  }

  get N(): number { return this.rows * this.T; }
  get V(): number { return this.policy.config.vocabSize; }

  /** Uploads a (rows, T) batch; fewer rows are padded with ignored rows. Takes effect in queue order. */
  load(batch: PackedBatch): void {
    if (batch.T !== this.T || batch.B > this.rows) throw new Error(`A batch of ${batch.B}×${batch.T} does not fit the RL slot of ${this.rows}×${this.T}.`);
    const tokens = new Int32Array(this.N), targets = new Int32Array(this.N).fill(-1);
    tokens.set(batch.tokens);
    targets.set(batch.targets);
    const b = embeddingBuckets(tokens, this.V);
    this.gpu.write(this.tokens, tokens);
    this.gpu.write(this.targets, targets);
    this.gpu.write(this.buckets, b.data);
    this.numIds = b.numIds;
  }

  /** Policy forward: acts.hidden and head.losses (−log π per row) for the loaded batch. */
  forward(enc: StepEncoder): void {
    this.policy.forward(enc, this.acts, this.tokens);
    this.head.forward(enc, this.acts, this.targets);
  }

  /** Another model of the same config (the frozen reference) through the same activations and
   *  logits: head.losses = −log π_model. Overwrites the policy's saved activations. */
  forwardOther(enc: StepEncoder, model: Gpt): void {
    const V = this.V, C = model.config.dModel;
    model.forward(enc, this.acts, this.tokens);
    linearForward(this.gpu, enc, { x: this.acts.hidden, w: model.p(model.lmHeadName), b: null, y: this.head.logits, M: this.N, K: C, N: V });
    crossEntropyForward(this.gpu, enc, { logits: this.head.logits, targets: this.targets, losses: this.head.losses, lse: this.head.lse, N: this.N, V });
  }

  /** head.rowGrad (and any scalar head's dHidden contribution, added before) → parameter grads. */
  backward(enc: StepEncoder): void {
    this.head.backward(enc, this.acts, this.targets);
    this.policy.backward(enc, this.acts, { buffer: this.buckets, numIds: this.numIds });
  }

  destroy(): void {
    releaseActivations(this.gpu, this.acts);
    this.head.destroy();
    this.opt.destroy();
    this.gpu.release(this.tokens, this.targets, this.buckets);
  }
}
