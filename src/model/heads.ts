// Heads turn the model's final hidden state (B·T, C) into something a loss is taken of, and send
// the loss gradient back into acts.dHidden (accumulating, so several heads can share one pass).
//   LmHead      logits → per-token losses −log p(target) (and lse); backward from rowGrad = ∂L/∂loss_t.
//               Every token-level objective (pretraining, SFT masks, PPO, DPO) is a rowGrad.
//               Unfused (default): the full (rows, V) logits live in `logits` (evaluation code
//               that wants them, the RL reference pass). Fused ({ fused: true }, training): the
//               logits are made a block at a time in a bounded scratch (kernels/lmhead.ts) and
//               never exist whole; same losses, lse and gradients.
//   ScalarHead  one number per position: a reward model's score or PPO's value; backward from
//               dValues = ∂L/∂value_t.
// Heads do not choose the loss: the stage (src/train/*) fills rowGrad / dValues on the GPU.
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Gpt } from './gpt';
import type { Activations } from './activations';
import { linearForward, linearBackward } from '../kernels/matmul';
import { crossEntropyForward, crossEntropyBackward } from '../kernels/crossentropy';
import { lmHeadForward, lmHeadBackward, lmHeadOnePass, lmHeadPlan, lmHeadRowPlan, scratchBytes, singleBlock, type LmHeadPlan } from '../kernels/lmhead';

export interface LmHeadOptions {
  /** Never hold the full logits: blocks of them in a scratch of at most budgetBytes. */
  fused?: boolean;
  /** The fused head's scratch budget (default kernels/lmhead.ts LMHEAD_BUDGET_BYTES, 64 MiB). */
  budgetBytes?: number;
}

export class LmHead {
  private readonly full: GPUBuffer | null;    // (BT, V) unfused only; holds dlogits after backward
  private readonly scratch: GPUBuffer | null; // (rowChunk · colChunk) fused only
  private readonly runSum: GPUBuffer | null;  // (BT) fused only: the online logsumexp's running sum
  readonly plan: LmHeadPlan | null;           // fused only
  private readonly rowPlan: LmHeadPlan | null; // fused only: whole-row blocks for forwardBackward
  readonly losses: GPUBuffer;  // (BT)
  readonly lse: GPUBuffer;     // (BT)
  readonly rowGrad: GPUBuffer; // (BT)

  constructor(private readonly model: Gpt, readonly rows: number, options: LmHeadOptions = {}) {
    const gpu = model.gpu, V = model.config.vocabSize;
    if (options.fused) {
      this.plan = lmHeadPlan(rows, V, options.budgetBytes);
      this.rowPlan = lmHeadRowPlan(rows, V, options.budgetBytes);
      const bytes = Math.max(scratchBytes(this.plan), this.rowPlan ? scratchBytes(this.rowPlan) : 0);
      gpu.checkFits(bytes, `A block of logits for ${this.plan.rowChunk} tokens × ${this.plan.colChunk} vocabulary`);
      this.full = null;
      this.scratch = gpu.buffer(bytes, 'lmhead.scratch');
      this.runSum = gpu.buffer(4 * rows, 'lmhead.runSum');
    } else {
      gpu.checkFits(4 * rows * V, `The logits for ${rows} tokens × ${V} vocabulary`);
      this.plan = this.rowPlan = this.scratch = this.runSum = null;
      this.full = gpu.buffer(4 * rows * V, 'logits');
    }
    this.losses = gpu.buffer(4 * rows, 'losses');
    this.lse = gpu.buffer(4 * rows, 'ce.lse');
    this.rowGrad = gpu.buffer(4 * rows, 'rowGrad');
  }

  get fused(): boolean { return this.plan !== null; }

  /** (BT, V) the full logits (dlogits after backward); an unfused head's only. */
  get logits(): GPUBuffer {
    if (!this.full) throw new Error('This LM head is fused: it never holds the full logits. Build an unfused LmHead to read them.');
    return this.full;
  }

  /** logits = hidden · W_lmᵀ; losses[t] = −log softmax(logits_t)[target_t] (0 where target = −1). */
  forward(enc: StepEncoder, acts: Activations, targets: GPUBuffer): void {
    const m = this.model, gpu = m.gpu, C = m.config.dModel, V = m.config.vocabSize;
    if (this.plan) {
      lmHeadForward(gpu, enc, { hidden: acts.hidden, w: m.p(m.lmHeadName), targets, losses: this.losses, lse: this.lse, runSum: this.runSum!, scratch: this.scratch!, C, plan: this.plan });
      return;
    }
    linearForward(gpu, enc, { x: acts.hidden, w: m.p(m.lmHeadName), b: null, y: this.logits, M: this.rows, K: C, N: V });
    crossEntropyForward(gpu, enc, { logits: this.logits, targets, losses: this.losses, lse: this.lse, N: this.rows, V });
  }

  /** dHidden += ∂L/∂hidden and dW_lm += ∂L/∂W_lm, given this.rowGrad = ∂L/∂losses (after forward). */
  backward(enc: StepEncoder, acts: Activations, targets: GPUBuffer): void {
    const m = this.model, gpu = m.gpu, C = m.config.dModel, V = m.config.vocabSize;
    if (this.plan) {
      // One block is the whole (rows, V): the forward left the logits in the scratch.
      lmHeadBackward(gpu, enc, {
        hidden: acts.hidden, w: m.p(m.lmHeadName), targets, lse: this.lse, rowGrad: this.rowGrad, dHidden: acts.dHidden, dW: m.g(m.lmHeadName),
        scratch: this.scratch!, C, plan: this.plan, logitsKept: singleBlock(this.plan),
      });
      return;
    }
    crossEntropyBackward(gpu, enc, { logits: this.logits, targets, lse: this.lse, rowGrad: this.rowGrad, dlogits: this.logits, N: this.rows, V });
    linearBackward(gpu, enc, { dy: this.logits, x: acts.hidden, w: m.p(m.lmHeadName), dx: acts.dHidden, dw: m.g(m.lmHeadName), db: null, M: this.rows, K: C, N: V, accumulateDx: true });
  }

  /** forward then backward, for a rowGrad filled BEFORE the forward (a mean loss depends only on
   *  the targets): a fused head then takes each block of rows through both at once and never
   *  recomputes logits. */
  forwardBackward(enc: StepEncoder, acts: Activations, targets: GPUBuffer): void {
    const m = this.model;
    if (!this.rowPlan) { this.forward(enc, acts, targets); this.backward(enc, acts, targets); return; }
    lmHeadOnePass(m.gpu, enc, {
      hidden: acts.hidden, w: m.p(m.lmHeadName), targets, losses: this.losses, lse: this.lse, rowGrad: this.rowGrad,
      dHidden: acts.dHidden, dW: m.g(m.lmHeadName), scratch: this.scratch!, C: m.config.dModel, plan: this.rowPlan,
    });
  }

  destroy(): void { this.model.gpu.release(this.full, this.scratch, this.runSum, this.losses, this.lse, this.rowGrad); }
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
