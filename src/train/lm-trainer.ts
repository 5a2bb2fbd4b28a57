// Training a GPT on a token-level objective: next-token cross-entropy averaged over the targets
// that are not −1. Pretraining uses it with plain shifted windows; SFT uses it with −1 on every
// non-assistant target. One optimizer step = `accumSteps` micro-batches + AdamW, recorded into ONE
// command encoder and submitted once. Losses and gradient norms land in small GPU history buffers
// and are read back only every `readEvery` steps (or on demand).
// It does not load data or pick batches (the caller passes them) and does not save checkpoints.
import type { Gpu } from '../gpu/gpu';
import type { Gpt } from '../model/gpt';
import { LmHead } from '../model/heads';
import { planActivations, releaseActivations, type Activations } from '../model/activations';
import { AdamW, type AdamWHyper } from './optimizer';
import { meanLoss } from '../kernels/crossentropy';
import { embeddingBuckets } from '../kernels/embedding';
import { tuneMatmuls } from '../kernels/matmul-tune';
import type { Batch } from '../data/batcher';

export interface StepResult { step: number; loss: number; gradNorm: number; skipped: boolean; lr: number }

interface MicroSlot { tokens: GPUBuffer; targets: GPUBuffer; buckets: GPUBuffer; numIds: number }

export class LmTrainer {
  readonly acts: Activations;
  readonly head: LmHead;
  readonly opt: AdamW;
  private readonly micro: MicroSlot[] = [];
  private readonly lossOut: GPUBuffer;         // (1)
  private readonly lossHistory: GPUBuffer;     // (readEvery · accumSteps)
  private readonly normHistory: GPUBuffer;     // (readEvery)
  private pending: { step: number; lr: number }[] = [];

  constructor(readonly gpu: Gpu, readonly model: Gpt, readonly B: number, readonly T: number, readonly accumSteps: number, hyper: AdamWHyper, readonly readEvery = 10) {
    if (!(accumSteps >= 1)) throw new Error(`Gradient accumulation steps must be at least 1, got ${accumSteps}.`);
    const BT = B * T, V = model.config.vocabSize;
    this.acts = planActivations(gpu, model.config, B, T);
    this.head = new LmHead(model, BT, { fused: true });
    this.opt = new AdamW(gpu, [...model.params.values()].map((p) => ({ name: p.spec.name, n: p.n, data: p.data, grad: p.grad, decay: p.spec.decay })), hyper);
    const bucketWords = 2 * Math.min(V, BT) + 1 + BT;
    for (let i = 0; i < accumSteps; i++)
      this.micro.push({ tokens: gpu.buffer(4 * BT, `tokens.${i}`), targets: gpu.buffer(4 * BT, `targets.${i}`), buckets: gpu.buffer(4 * bucketWords, `buckets.${i}`), numIds: 0 });
    this.lossOut = gpu.buffer(4, 'loss');
    this.lossHistory = gpu.buffer(4 * readEvery * accumSteps, 'loss-history');
    this.normHistory = gpu.buffer(4 * readEvery, 'norm-history');
  }

  private upload(slot: MicroSlot, batch: Batch): void {
    const n = this.B * this.T;
    if (batch.inputs.length !== n || batch.targets.length !== n) throw new Error(`A batch must hold ${n} tokens (B=${this.B} × T=${this.T}), got ${batch.inputs.length}.`);
    const b = embeddingBuckets(batch.inputs, this.model.config.vocabSize);
    this.gpu.write(slot.tokens, batch.inputs);
    this.gpu.write(slot.targets, batch.targets);
    this.gpu.write(slot.buckets, b.data);
    slot.numIds = b.numIds;
  }

  /** Records and submits one optimizer step over `batches` (one per micro-batch) at rate `lr`.
   *  Returns results only when the history is read back (every readEvery steps), else []. */
  async step(batches: Batch[], lr: number): Promise<StepResult[]> {
    if (batches.length !== this.accumSteps) throw new Error(`Expected ${this.accumSteps} micro-batches, got ${batches.length}.`);
    const { gpu, model, acts, head } = this;
    // On a GPU, the matmul shapes the previous steps recorded get their tile configuration timed
    // once per adapter (a no-op once tuned, and on CPU-based adapters).
    await tuneMatmuls(gpu);
    const slotIndex = this.pending.length;
    const enc = gpu.encoder('train-step');
    model.zeroGrads(enc);
    batches.forEach((batch, i) => {
      const slot = this.micro[i];
      this.upload(slot, batch);
      const loss = { losses: head.losses, targets: slot.targets, out: this.lossOut, N: this.B * this.T, V: model.config.vocabSize };
      // rowGrad = 1/(count · accumSteps) on counted rows depends on the targets only, so it is
      // filled first and the head runs forward and backward in one pass (its mean, written to
      // lossOut here, is overwritten by the real one below).
      meanLoss(gpu, enc, { ...loss, rowGrad: head.rowGrad, gradScale: 1 / this.accumSteps });
      model.forward(enc, acts, slot.tokens);
      head.forwardBackward(enc, acts, slot.targets);
      meanLoss(gpu, enc, loss);
      enc.copy(this.lossOut, this.lossHistory, 4, 0, 4 * (slotIndex * this.accumSteps + i));
      model.backward(enc, acts, { buffer: slot.buckets, numIds: slot.numIds });
    });
    this.opt.update(enc, lr);
    enc.copy(this.opt.gradNorm, this.normHistory, 4, 0, 4 * slotIndex);
    enc.submit();
    this.pending.push({ step: this.opt.step, lr });
    return this.pending.length >= this.readEvery ? this.flush() : [];
  }

  /** Reads back the losses and norms of steps not yet reported. */
  async flush(): Promise<StepResult[]> {
    const n = this.pending.length;
    if (n === 0) return [];
    const losses = await this.gpu.readF32(this.lossHistory, n * this.accumSteps);
    const norms = await this.gpu.readF32(this.normHistory, n);
    const out = this.pending.map(({ step, lr }, k) => {
      let loss = 0;
      for (let i = 0; i < this.accumSteps; i++) loss += losses[k * this.accumSteps + i];
      loss /= this.accumSteps;
      const gradNorm = norms[k];
      return { step, loss, gradNorm, lr, skipped: !Number.isFinite(gradNorm) };
    });
    this.pending = [];
    return out;
  }

  /** Mean loss over evaluation batches (targets −1 are ignored), weighted by counted targets. */
  async evaluate(batches: Iterable<Batch & { count?: number }>): Promise<number> {
    await this.flush();
    const { gpu, model, acts, head } = this;
    const slot = this.micro[0];
    let weighted = 0, total = 0;
    for (const batch of batches) {
      const count = batch.count ?? batch.targets.reduce((s, t) => s + (t >= 0 ? 1 : 0), 0);
      if (count === 0) continue;
      this.gpu.write(slot.tokens, batch.inputs);
      this.gpu.write(slot.targets, batch.targets);
      const enc = gpu.encoder('eval');
      model.forward(enc, acts, slot.tokens);
      head.forward(enc, acts, slot.targets);
      meanLoss(gpu, enc, { losses: head.losses, targets: slot.targets, out: this.lossOut, N: this.B * this.T, V: model.config.vocabSize });
      enc.submit();
      const [loss] = await gpu.readF32(this.lossOut, 1);
      weighted += loss * count;
      total += count;
    }
    if (total === 0) throw new Error('The evaluation data has no targets to score.');
    return weighted / total;
  }

  destroy(): void {
    releaseActivations(this.gpu, this.acts);
    this.head.destroy();
    this.opt.destroy();
    for (const m of this.micro) this.gpu.release(m.tokens, m.targets, m.buckets);
    this.gpu.release(this.lossOut, this.lossHistory, this.normHistory);
  }
}
