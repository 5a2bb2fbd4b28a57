// Training a reward model: the GPT body plus a ScalarHead read at each sequence's last token, with
// the Bradley–Terry loss −log σ(r_chosen − r_rejected) averaged over pairs. The loss, its
// gradient dValues (nonzero only at the last tokens) and the metrics are computed on the GPU
// (kernels/pairwise-loss.ts), so a step is ONE submit with no readback: micro-batches + AdamW over
// the body and the head. Loss / accuracy / margin land in a small history buffer read every
// `readEvery` steps. It does not choose data or save checkpoints (reward.ts does).
import type { Gpu } from '../gpu/gpu';
import type { Gpt } from '../model/gpt';
import { ScalarHead } from '../model/heads';
import { planActivations, releaseActivations, type Activations } from '../model/activations';
import { embeddingBuckets } from '../kernels/embedding';
import { pairwiseLossForward, pairwiseLossBackward } from '../kernels/pairwise-loss';
import { AdamW, type AdamWHyper, type OptTensor } from './optimizer';
import { HEAD_BIAS, HEAD_WEIGHT } from './checkpoint-io';
import type { PairBatch } from '../data/chat/pairs';

export { HEAD_WEIGHT, HEAD_BIAS } from './checkpoint-io';

export interface RewardStepResult { step: number; loss: number; accuracy: number; margin: number; gradNorm: number; skipped: boolean; lr: number }

interface Slot { tokens: GPUBuffer; last: GPUBuffer; buckets: GPUBuffer; numIds: number }

const SUMMARY = 4; // [mean loss, accuracy, mean margin, P]

export class RewardTrainer {
  readonly acts: Activations;
  readonly head: ScalarHead;
  readonly opt: AdamW;
  /** Rows per batch: two per pair. */
  readonly B: number;
  private readonly micro: Slot[] = [];
  private readonly stats: GPUBuffer;   // (P, 4)
  private readonly summary: GPUBuffer; // (4)
  private readonly history: GPUBuffer; // (readEvery · accumSteps, 4)
  private readonly norms: GPUBuffer;   // (readEvery)
  private pending: { step: number; lr: number }[] = [];

  constructor(readonly gpu: Gpu, readonly model: Gpt, readonly P: number, readonly T: number, readonly accumSteps: number, hyper: AdamWHyper,
    head: { weight: Float32Array; bias: number }, readonly readEvery = 10) {
    if (!(accumSteps >= 1)) throw new Error(`Gradient accumulation steps must be at least 1, got ${accumSteps}.`);
    const c = model.config;
    this.B = 2 * P;
    const BT = this.B * T;
    this.acts = planActivations(gpu, c, this.B, T);
    this.head = new ScalarHead(gpu, c.dModel, BT, head);
    // The LM head gets no gradient here; it is kept (so the checkpoint stays a whole model) but
    // left out of weight decay, which would otherwise shrink it for nothing.
    const body: OptTensor[] = [...model.params.values()].map((p) => ({ name: p.spec.name, n: p.n, data: p.data, grad: p.grad, decay: p.spec.decay && p.spec.name !== 'lm_head.weight' }));
    body.push({ name: HEAD_WEIGHT, n: c.dModel, data: this.head.weight, grad: this.head.dWeight, decay: true });
    body.push({ name: HEAD_BIAS, n: 1, data: this.head.bias, grad: this.head.dBias, decay: false });
    this.opt = new AdamW(gpu, body, hyper);
    const bucketWords = 2 * Math.min(c.vocabSize, BT) + 1 + BT;
    for (let i = 0; i < accumSteps; i++)
      this.micro.push({ tokens: gpu.buffer(4 * BT, `rm.tokens.${i}`), last: gpu.buffer(4 * this.B, `rm.last.${i}`), buckets: gpu.buffer(4 * bucketWords, `rm.buckets.${i}`), numIds: 0 });
    this.stats = gpu.buffer(16 * P, 'rm.stats');
    this.summary = gpu.buffer(4 * SUMMARY, 'rm.summary');
    this.history = gpu.buffer(4 * SUMMARY * readEvery * accumSteps, 'rm.history');
    this.norms = gpu.buffer(4 * readEvery, 'rm.norms');
  }

  private upload(slot: Slot, batch: PairBatch, withBuckets: boolean): void {
    const n = this.B * this.T;
    if (batch.tokens.length !== n || batch.last.length !== this.B) throw new Error(`A pair batch must hold ${this.P} pairs of ${this.T} tokens, got ${batch.tokens.length} tokens.`);
    for (const t of batch.last) if (!(t >= 0 && t < this.T)) throw new Error(`A last-token index ${t} is outside the row (0..${this.T - 1}).`);
    this.gpu.write(slot.tokens, batch.tokens);
    this.gpu.write(slot.last, batch.last);
    if (!withBuckets) return;
    const b = embeddingBuckets(batch.tokens, this.model.config.vocabSize);
    this.gpu.write(slot.buckets, b.data);
    slot.numIds = b.numIds;
  }

  /** Records forward, pairwise loss and backward of one full micro-batch into `enc`. */
  private record(enc: ReturnType<Gpu['encoder']>, slot: Slot, P: number, gradScale: number): void {
    const { gpu, model, acts, head, T } = this;
    model.forward(enc, acts, slot.tokens);
    head.forward(enc, acts);
    pairwiseLossForward(gpu, enc, { values: head.values, last: slot.last, stats: this.stats, summary: this.summary, P, T });
    pairwiseLossBackward(gpu, enc, { values: head.values, last: slot.last, dValues: head.dValues, P, T, gradScale });
    head.backward(enc, acts);
    model.backward(enc, acts, { buffer: slot.buckets, numIds: slot.numIds });
  }

  /** One optimizer step over `batches` (one per micro-batch, each with P pairs). Returns results
   *  only when the history is read back (every readEvery steps), else []. */
  async step(batches: PairBatch[], lr: number): Promise<RewardStepResult[]> {
    if (batches.length !== this.accumSteps) throw new Error(`Expected ${this.accumSteps} micro-batches, got ${batches.length}.`);
    const slotIndex = this.pending.length;
    const enc = this.gpu.encoder('reward-step');
    this.model.zeroGrads(enc);
    this.head.zeroGrads(enc);
    batches.forEach((batch, i) => {
      if (batch.pairs !== this.P) throw new Error(`A training batch must be full (${this.P} pairs), got ${batch.pairs}.`);
      this.upload(this.micro[i], batch, true);
      this.record(enc, this.micro[i], this.P, 1 / this.accumSteps);
      enc.copy(this.summary, this.history, 4 * SUMMARY, 0, 4 * SUMMARY * (slotIndex * this.accumSteps + i));
    });
    this.opt.update(enc, lr);
    enc.copy(this.opt.gradNorm, this.norms, 4, 0, 4 * slotIndex);
    enc.submit();
    this.pending.push({ step: this.opt.step, lr });
    return this.pending.length >= this.readEvery ? this.flush() : [];
  }

  async flush(): Promise<RewardStepResult[]> {
    const n = this.pending.length;
    if (n === 0) return [];
    const h = await this.gpu.readF32(this.history, n * this.accumSteps * SUMMARY);
    const norms = await this.gpu.readF32(this.norms, n);
    const out = this.pending.map(({ step, lr }, k) => {
      let loss = 0, accuracy = 0, margin = 0;
      for (let i = 0; i < this.accumSteps; i++) {
        const o = SUMMARY * (k * this.accumSteps + i);
        loss += h[o]; accuracy += h[o + 1]; margin += h[o + 2];
      }
      const a = this.accumSteps;
      return { step, lr, loss: loss / a, accuracy: accuracy / a, margin: margin / a, gradNorm: norms[k], skipped: !Number.isFinite(norms[k]) };
    });
    this.pending = [];
    return out;
  }

  /** Gradients of the mean pairwise loss of one full batch, without an update (for tests and
   *  gradient checks). Returns the summary [mean loss, accuracy, mean margin, P]. */
  async lossAndGrads(batch: PairBatch): Promise<Float32Array> {
    await this.flush();
    const enc = this.gpu.encoder('reward-grads');
    this.model.zeroGrads(enc);
    this.head.zeroGrads(enc);
    this.upload(this.micro[0], batch, true);
    this.record(enc, this.micro[0], this.P, 1);
    enc.submit();
    return this.gpu.readF32(this.summary, SUMMARY);
  }

  /** Rewards (chosen, rejected) of every real pair in `batches`; one readback per batch. */
  async score(batches: Iterable<PairBatch>): Promise<{ chosen: number[]; rejected: number[] }> {
    await this.flush();
    const chosen: number[] = [], rejected: number[] = [];
    const slot = this.micro[0];
    for (const batch of batches) {
      if (batch.pairs === 0) continue;
      this.upload(slot, batch, false);
      const enc = this.gpu.encoder('reward-eval');
      this.model.forward(enc, this.acts, slot.tokens);
      this.head.forward(enc, this.acts);
      pairwiseLossForward(this.gpu, enc, { values: this.head.values, last: slot.last, stats: this.stats, summary: this.summary, P: batch.pairs, T: this.T });
      enc.submit();
      const stats = await this.gpu.readF32(this.stats, 4 * batch.pairs);
      for (let p = 0; p < batch.pairs; p++) { chosen.push(stats[4 * p]); rejected.push(stats[4 * p + 1]); }
    }
    return { chosen, rejected };
  }

  async readHead(): Promise<{ weight: Float32Array; bias: Float32Array }> {
    await this.flush();
    return { weight: await this.gpu.readF32(this.head.weight, this.model.config.dModel), bias: await this.gpu.readF32(this.head.bias, 1) };
  }

  destroy(): void {
    releaseActivations(this.gpu, this.acts);
    this.head.destroy();
    this.opt.destroy();
    for (const m of this.micro) this.gpu.release(m.tokens, m.last, m.buckets);
    this.gpu.release(this.stats, this.summary, this.history, this.norms);
  }
}
