// Heads turn the model's final hidden state (B·T, C) into something a loss is taken of, and send
// the loss gradient back into acts.dHidden (accumulating, so several heads can share one pass).
//   LmHead      logits → per-token losses −log p(target) (and lse); backward from rowGrad = ∂L/∂loss_t.
//               Every token-level objective (pretraining, SFT masks, PPO, DPO) is a rowGrad.
//   ScalarHead  one number per position: a reward model's score or PPO's value; backward from
//               dValues = ∂L/∂value_t.
// Heads do not choose the loss: the stage (src/train/*) fills rowGrad / dValues on the GPU.
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Gpt } from './gpt';
import type { Activations } from './activations';
import { linearForward, linearBackward } from '../kernels/matmul';
import { crossEntropyForward, crossEntropyBackward } from '../kernels/crossentropy';

export class LmHead {
  readonly logits: GPUBuffer;  // (BT, V); holds dlogits after backward
  readonly losses: GPUBuffer;  // (BT)
  readonly lse: GPUBuffer;     // (BT)
  readonly rowGrad: GPUBuffer; // (BT)

  constructor(private readonly model: Gpt, readonly rows: number) {
    const gpu = model.gpu, V = model.config.vocabSize;
    gpu.checkFits(4 * rows * V, `The logits for ${rows} tokens × ${V} vocabulary`);
    this.logits = gpu.buffer(4 * rows * V, 'logits');
    this.losses = gpu.buffer(4 * rows, 'losses');
    this.lse = gpu.buffer(4 * rows, 'ce.lse');
    this.rowGrad = gpu.buffer(4 * rows, 'rowGrad');
  }

  /** logits = hidden · W_lmᵀ; losses[t] = −log softmax(logits_t)[target_t] (0 where target = −1). */
  forward(enc: StepEncoder, acts: Activations, targets: GPUBuffer): void {
    const m = this.model, gpu = m.gpu, C = m.config.dModel, V = m.config.vocabSize;
    linearForward(gpu, enc, { x: acts.hidden, w: m.p(m.lmHeadName), b: null, y: this.logits, M: this.rows, K: C, N: V });
    crossEntropyForward(gpu, enc, { logits: this.logits, targets, losses: this.losses, lse: this.lse, N: this.rows, V });
  }

  /** dHidden += ∂L/∂hidden and dW_lm += ∂L/∂W_lm, given this.rowGrad = ∂L/∂losses. */
  backward(enc: StepEncoder, acts: Activations, targets: GPUBuffer): void {
    const m = this.model, gpu = m.gpu, C = m.config.dModel, V = m.config.vocabSize;
    crossEntropyBackward(gpu, enc, { logits: this.logits, targets, lse: this.lse, rowGrad: this.rowGrad, dlogits: this.logits, N: this.rows, V });
    linearBackward(gpu, enc, { dy: this.logits, x: acts.hidden, w: m.p(m.lmHeadName), dx: acts.dHidden, dw: m.g(m.lmHeadName), db: null, M: this.rows, K: C, N: V, accumulateDx: true });
  }

  destroy(): void { this.model.gpu.release(this.logits, this.losses, this.lse, this.rowGrad); }
}

/** A linear map from the hidden state to one number per position, with its own parameters. */
export class ScalarHead {
  readonly weight: GPUBuffer;  // (1, C)
  readonly bias: GPUBuffer;    // (1)
  readonly dWeight: GPUBuffer; // (1, C) accumulated
  readonly dBias: GPUBuffer;   // (1) accumulated
  readonly values: GPUBuffer;  // (BT)
  readonly dValues: GPUBuffer; // (BT) filled by the loss

  constructor(private readonly gpu: Gpu, readonly C: number, readonly rows: number, init: { weight: Float32Array; bias: number }) {
    if (init.weight.length !== C) throw new Error(`Scalar head weight has ${init.weight.length} values, expected ${C}.`);
    this.weight = gpu.upload(init.weight, 'head.weight');
    this.bias = gpu.upload(new Float32Array([init.bias]), 'head.bias');
    this.dWeight = gpu.buffer(4 * C, 'grad.head.weight');
    this.dBias = gpu.buffer(4, 'grad.head.bias');
    this.values = gpu.buffer(4 * rows, 'head.values');
    this.dValues = gpu.buffer(4 * rows, 'head.dValues');
  }

  zeroGrads(enc: StepEncoder): void { enc.clear(this.dWeight, 0, 4 * this.C); enc.clear(this.dBias, 0, 4); }

  forward(enc: StepEncoder, acts: Activations): void {
    linearForward(this.gpu, enc, { x: acts.hidden, w: this.weight, b: this.bias, y: this.values, M: this.rows, K: this.C, N: 1 });
  }

  backward(enc: StepEncoder, acts: Activations): void {
    linearBackward(this.gpu, enc, { dy: this.dValues, x: acts.hidden, w: this.weight, dx: acts.dHidden, dw: this.dWeight, db: this.dBias, M: this.rows, K: this.C, N: 1, accumulateDx: true });
  }

  destroy(): void { this.gpu.release(this.weight, this.bias, this.dWeight, this.dBias, this.values, this.dValues); }
}
