// Direct preference optimisation (DPO), offline: from (prompt, chosen, rejected) pairs against a
// frozen reference. One optimizer step over P pairs is one submit: the reference forward gives its
// sequence log-probs (rl_seq_logp), the policy forward gives its own, rl_dpo_loss fills rowGrad,
// then backward and AdamW — no readback. Loss, implicit reward accuracy and margin land in a small
// history buffer read back by flush().
// Batch layout: rows 0..P−1 chosen, P..2P−1 rejected, each prompt ++ response padded to T.
// It does not build pairs (pairs.ts) or load checkpoints (run.ts).
import type { Gpu } from '../../gpu/gpu';
import type { Gpt } from '../../model/gpt';
import { rlSeqLogp, rlDpoLoss, DPO_STATS } from '../../kernels/rl-dpo';
import { PolicyRunner } from './policy';
import { packSequences } from './batch';
import type { RlSettings } from './settings';

export interface PreferencePair {
  prompt: number[];
  /** Response ids, stop id included. */
  chosen: number[];
  rejected: number[];
}

export interface DpoMetrics {
  step: number;
  loss: number;
  /** Fraction of pairs whose implicit reward β·log(π/π_ref) is higher for the chosen response (ties ½). */
  accuracy: number;
  chosenReward: number;
  rejectedReward: number;
  margin: number;
}

export class DpoTrainer {
  readonly runner: PolicyRunner;
  readonly P: number;
  step = 0;
  private readonly seqPolicy: GPUBuffer; // (2P)
  private readonly seqRef: GPUBuffer;    // (2P)
  private readonly history: GPUBuffer;   // (readEvery · DPO_STATS)
  private pending: number[] = [];

  constructor(readonly gpu: Gpu, readonly policy: Gpt, readonly reference: Gpt, readonly s: RlSettings, readonly T: number, readonly readEvery = 10) {
    this.P = s.pairsPerStep;
    this.runner = new PolicyRunner(gpu, policy, 2 * this.P, T, { beta1: s.beta1, beta2: s.beta2, eps: 1e-8, weightDecay: s.weightDecay, gradClip: s.gradClip });
    this.seqPolicy = gpu.buffer(4 * 2 * this.P, 'dpo.seq-policy');
    this.seqRef = gpu.buffer(4 * 2 * this.P, 'dpo.seq-ref');
    this.history = gpu.buffer(4 * Math.max(readEvery, 1) * DPO_STATS, 'dpo.history');
  }

  private load(pairs: PreferencePair[]): void {
    if (pairs.length === 0 || pairs.length > this.P) throw new Error(`A DPO batch holds 1 to ${this.P} pairs, got ${pairs.length}.`);
    const prompts = pairs.map((p) => p.prompt);
    // Missing pairs (a short last batch) are padded with ignored rows; their h = 0 adds a constant.
    const packed = packSequences([...prompts, ...pad(pairs.length, this.P, [0]), ...prompts, ...pad(pairs.length, this.P, [0])],
      [...pairs.map((p) => p.chosen), ...pad(pairs.length, this.P, []), ...pairs.map((p) => p.rejected), ...pad(pairs.length, this.P, [])], this.T);
    this.runner.load(packed);
  }

  /** Records reference and policy sequence log-probs and the loss kernel into one encoder. */
  private recordLoss(enc: ReturnType<Gpu['encoder']>, statsOffset: number): void {
    const { gpu, runner, P, T } = this, V = runner.V;
    runner.forwardOther(enc, this.reference);
    rlSeqLogp(gpu, enc, { losses: runner.head.losses, targets: runner.targets, out: this.seqRef, S: 2 * P, T, V });
    runner.forward(enc);
    rlSeqLogp(gpu, enc, { losses: runner.head.losses, targets: runner.targets, out: this.seqPolicy, S: 2 * P, T, V });
    rlDpoLoss(gpu, enc, { targets: runner.targets, logp: this.seqPolicy, refLogp: this.seqRef, rowGrad: runner.head.rowGrad, stats: this.history, statsOffset, P, T, V, beta: this.s.dpoBeta });
  }

  /** One optimizer step on up to P pairs. Metrics come back from flush(), every readEvery steps. */
  async train(pairs: PreferencePair[]): Promise<DpoMetrics[]> {
    this.load(pairs);
    const enc = this.gpu.encoder('dpo-step');
    this.policy.zeroGrads(enc);
    this.recordLoss(enc, this.pending.length * DPO_STATS);
    this.runner.backward(enc);
    this.runner.opt.update(enc, this.s.lr);
    enc.submit();
    this.pending.push(++this.step);
    return this.pending.length >= this.readEvery ? this.flush() : [];
  }

  async flush(): Promise<DpoMetrics[]> {
    const n = this.pending.length;
    if (n === 0) return [];
    const h = await this.gpu.readF32(this.history, n * DPO_STATS);
    const out = this.pending.map((step, k) => toMetrics(step, h.subarray(k * DPO_STATS, (k + 1) * DPO_STATS)));
    this.pending = [];
    return out;
  }

  /** Mean metrics over `pairs` (no update), P pairs per forward. */
  async evaluate(pairs: PreferencePair[]): Promise<DpoMetrics> {
    await this.flush();
    const sum = new Float64Array(DPO_STATS);
    for (let start = 0; start < pairs.length; start += this.P) {
      const batch = pairs.slice(start, start + this.P);
      this.load(batch);
      const enc = this.gpu.encoder('dpo-eval');
      this.recordLoss(enc, 0);
      enc.submit();
      const h = await this.gpu.readF32(this.history, DPO_STATS);
      // The kernel averages over all P rows; padded pairs have h = 0 (loss log 2, accuracy ½): remove them.
      const pads = this.P - batch.length;
      const fix = [Math.log(2), 0.5, 0, 0];
      for (let j = 0; j < DPO_STATS; j++) sum[j] += h[j] * this.P - pads * fix[j];
    }
    return toMetrics(this.step, Float32Array.from(sum, (x) => x / Math.max(1, pairs.length)));
  }

  destroy(): void {
    this.runner.destroy();
    this.gpu.release(this.seqPolicy, this.seqRef, this.history);
  }
}

const pad = <T>(have: number, want: number, fill: T): T[] => Array.from({ length: want - have }, () => fill);

function toMetrics(step: number, h: ArrayLike<number>): DpoMetrics {
  return { step, loss: h[0], accuracy: h[1], chosenReward: h[2], rejectedReward: h[3], margin: h[2] - h[3] };
}
