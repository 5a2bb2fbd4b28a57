// AdamW over a set of parameter tensors, entirely on the GPU: the global gradient norm is reduced
// into a 1-element buffer and each tensor's update reads it for clipping (and skips on a
// non-finite norm), so a step needs no readback. Decay applies to tensors marked `decay`.
// Moments can be read and restored for checkpoints.
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { adamw } from '../kernels/adamw';
import { globalNorm } from '../kernels/reduce';

export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip gradients to this global L2 norm; ≤ 0 disables. */
  gradClip: number;
}

export const DEFAULT_ADAMW: AdamWHyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };

export interface OptTensor { name: string; n: number; data: GPUBuffer; grad: GPUBuffer; decay: boolean }

interface Slot extends OptTensor { m: GPUBuffer; v: GPUBuffer }

export class AdamW {
  private readonly slots: Slot[] = [];
  /** (1) global gradient norm of the last step, before clipping. */
  readonly gradNorm: GPUBuffer;
  /** Number of updates applied so far (the next update uses step + 1 for bias correction). */
  step = 0;

  constructor(private readonly gpu: Gpu, tensors: OptTensor[], public hyper: AdamWHyper) {
    const enc = gpu.encoder('adamw-init');
    for (const t of tensors) {
      const m = gpu.buffer(4 * t.n, `adam.m.${t.name}`);
      const v = gpu.buffer(4 * t.n, `adam.v.${t.name}`);
      enc.clear(m, 0, 4 * t.n).clear(v, 0, 4 * t.n);
      this.slots.push({ ...t, m, v });
    }
    this.gradNorm = gpu.buffer(4, 'grad-norm');
    enc.submit();
  }

  /** Records the norm reduction and one update per tensor at learning rate `lr`. */
  update(enc: StepEncoder, lr: number): void {
    const h = this.hyper;
    globalNorm(this.gpu, enc, { ranges: this.slots.map((s) => ({ x: s.grad, n: s.n })), out: this.gradNorm });
    this.step++;
    for (const s of this.slots) {
      adamw(this.gpu, enc, {
        param: s.data, grad: s.grad, m: s.m, v: s.v, n: s.n, lr,
        beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: s.decay ? h.weightDecay : 0,
        step: this.step, gradNorm: this.gradNorm, maxNorm: h.gradClip,
      });
    }
  }

  async readMoments(): Promise<Record<string, { m: Float32Array; v: Float32Array }>> {
    const out: Record<string, { m: Float32Array; v: Float32Array }> = {};
    for (const s of this.slots) out[s.name] = { m: await this.gpu.readF32(s.m, s.n), v: await this.gpu.readF32(s.v, s.n) };
    return out;
  }

  loadMoments(moments: Record<string, { m: Float32Array; v: Float32Array }>, step: number): void {
    for (const s of this.slots) {
      const mv = moments[s.name];
      if (!mv) throw new Error(`The checkpoint's optimizer state has no moments for ${s.name}.`);
      if (mv.m.length !== s.n || mv.v.length !== s.n) throw new Error(`Optimizer moments for ${s.name} have the wrong size.`);
      this.gpu.write(s.m, mv.m);
      this.gpu.write(s.v, mv.v);
    }
    this.step = step;
  }

  destroy(): void {
    for (const s of this.slots) this.gpu.release(s.m, s.v);
    this.gpu.release(this.gradNorm);
  }
}
