// Fused LM head + cross-entropy: logits = hidden · Wᵀ and the per-row loss −log softmax[target],
// and the gradients dHidden += ∂L/∂hidden, dW += ∂L/∂W, without the (rows, V) logits in memory.
// The logits are made a block at a time — rows [r0, r0 + rc) × vocabulary [v0, v0 + vc) — into a
// scratch buffer of at most `budgetBytes`, by the ordinary matmul:
//   forward   per block: scratch = hidden_r · W_vᵀ, then a row kernel folds it into each row's
//             running (max, Σexp) (online logsumexp) and picks up the target's logit; the last
//             vocabulary block writes lse and losses.
//   backward  per block: the logits again (unless one block held them all and they are still
//             there), dlogits = rowGrad·(softmax − onehot) in place, dHidden_r += dlogits · W_v,
//             dW_v += dlogitsᵀ · hidden_r.
// rowGrad (rows) = ∂L/∂losses is filled by the stage between forward and backward (docs/CONTRACTS.md).
//   one pass  when rowGrad is known before the forward (a mean loss: it depends on the targets
//             only): blocks of whole rows (all of V), each taken through matmul, the cross-entropy
//             row kernels and both gradient matmuls at once — no logits recomputed.
// Targets outside [0, V) (−1) are ignored: loss 0 and no gradient.
// Block offsets are multiples of 64 rows / columns, so every sub-range starts on a 256-byte
// boundary (the storage offset alignment WebGPU guarantees to accept).
// Not here: the full-logits path sampling and evaluation use (matmul.ts + crossentropy.ts), the
// mean loss (crossentropy.ts meanLoss). Reference: lmhead.ref.ts.
import forwardWgsl from '../../shaders/lmhead_forward.wgsl?raw';
import backwardWgsl from '../../shaders/lmhead_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';
import { subRange, type Binding } from '../gpu/binding';
import { matmul } from './matmul';
import { rowKernel, type RowVariant } from './reduce';
import { crossEntropyForward, crossEntropyBackward } from './crossentropy';

/** Blocks start at multiples of this many rows / columns (× 4 bytes × C stays 256-aligned). */
const ALIGN = 64;
/** Default scratch budget for one block of logits. */
export const LMHEAD_BUDGET_BYTES = 64 * 2 ** 20;

/** How the (rows, V) logits are cut: blocks of rowChunk × colChunk, scratch of rowChunk·colChunk floats. */
export interface LmHeadPlan { rows: number; V: number; rowChunk: number; colChunk: number }

/** The largest blocks that fit `budgetBytes`: all of V per row block when it fits, else columns in
 *  multiples of 64 for all rows, else 64 columns for row blocks of a multiple of 64. */
export function lmHeadPlan(rows: number, V: number, budgetBytes = LMHEAD_BUDGET_BYTES): LmHeadPlan {
  if (!(rows >= 1 && V >= 1)) throw new Error(`The LM head needs at least one row and one vocabulary entry, got ${rows} × ${V}.`);
  const floats = Math.floor(budgetBytes / 4);
  if (rows * V <= floats) return { rows, V, rowChunk: rows, colChunk: V };
  const down = (x: number) => Math.max(ALIGN, Math.floor(x / ALIGN) * ALIGN);
  const colChunk = Math.min(V, down(floats / rows));
  const rowChunk = rows * colChunk <= floats ? rows : Math.min(rows, down(floats / colChunk));
  return { rows, V, rowChunk, colChunk };
}

export const planBlocks = (p: LmHeadPlan): number => Math.ceil(p.rows / p.rowChunk) * Math.ceil(p.V / p.colChunk);
/** True when one block is the whole (rows, V): the forward's logits stay in the scratch for the backward. */
export const singleBlock = (p: LmHeadPlan): boolean => p.rowChunk >= p.rows && p.colChunk >= p.V;
export const scratchBytes = (p: LmHeadPlan): number => 4 * p.rowChunk * p.colChunk;

interface Block { r0: number; rc: number; v0: number; vc: number }

function* blocks(p: LmHeadPlan): Generator<Block> {
  for (let r0 = 0; r0 < p.rows; r0 += p.rowChunk)
    for (let v0 = 0; v0 < p.V; v0 += p.colChunk)
      yield { r0, rc: Math.min(p.rowChunk, p.rows - r0), v0, vc: Math.min(p.colChunk, p.V - v0) };
}

interface Common {
  hidden: Binding;  // (rows, C)
  w: Binding;       // (V, C) PyTorch layout (the tied wte or lm_head.weight)
  targets: Binding; // (rows) i32, −1 = ignore
  lse: Binding;     // (rows) written by the forward, read by the backward
  scratch: Binding; // (rowChunk · colChunk) floats
  C: number;
  plan: LmHeadPlan;
  /** Tests and benchmarks only: force the row kernels' geometry. */
  variant?: RowVariant;
}

export interface LmHeadForwardArgs extends Common {
  losses: Binding; // (rows) out
  runSum: Binding; // (rows) scratch of the online logsumexp
}

/** Records the forward: losses (rows) and lse (rows). */
export function lmHeadForward(gpu: Gpu, enc: StepEncoder, a: LmHeadForwardArgs): void {
  const { plan, C } = a;
  for (const b of blocks(plan)) {
    matmul(gpu, enc, {
      a: subRange(a.hidden, 4 * b.r0 * C, 4 * b.rc * C), b: subRange(a.w, 4 * b.v0 * C, 4 * b.vc * C),
      c: subRange(a.scratch, 0, 4 * b.rc * b.vc), M: b.rc, N: b.vc, K: C, transB: true,
    });
    rowKernel(gpu, enc, {
      label: 'lmhead_forward', body: forwardWgsl, rows: b.rc, cols: b.vc, variant: a.variant,
      params: params().u32(b.rc, b.vc, b.v0, b.r0, plan.V, b.v0 === 0 ? 1 : 0, b.v0 + b.vc >= plan.V ? 1 : 0),
      buffers: [a.scratch, a.targets, a.losses, a.lse, a.runSum],
    });
  }
}

export interface LmHeadBackwardArgs extends Common {
  rowGrad: Binding; // (rows) ∂L/∂losses
  dHidden: Binding; // (rows, C) accumulated (+=)
  dW: Binding;      // (V, C) accumulated (+=)
  /** The scratch still holds the forward's logits (single-block plans only): skip recomputing them. */
  logitsKept?: boolean;
}

/** Records the backward: dHidden += dlogits · W, dW += dlogitsᵀ · hidden. */
export function lmHeadBackward(gpu: Gpu, enc: StepEncoder, a: LmHeadBackwardArgs): void {
  const { plan, C } = a;
  if (a.logitsKept && !singleBlock(plan)) throw new Error('lmHeadBackward: logits can only be kept when one block holds them all.');
  for (const b of blocks(plan)) {
    const hidden = subRange(a.hidden, 4 * b.r0 * C, 4 * b.rc * C), w = subRange(a.w, 4 * b.v0 * C, 4 * b.vc * C);
    const scratch = subRange(a.scratch, 0, 4 * b.rc * b.vc);
    if (!a.logitsKept) matmul(gpu, enc, { a: hidden, b: w, c: scratch, M: b.rc, N: b.vc, K: C, transB: true });
    rowKernel(gpu, enc, {
      label: 'lmhead_backward', body: backwardWgsl, rows: b.rc, cols: b.vc, variant: a.variant,
      params: params().u32(b.rc, b.vc, b.v0, b.r0, plan.V),
      buffers: [a.targets, a.lse, a.rowGrad, a.scratch],
    });
    matmul(gpu, enc, { a: scratch, b: w, c: subRange(a.dHidden, 4 * b.r0 * C, 4 * b.rc * C), M: b.rc, N: C, K: b.vc, accumulate: true });
    matmul(gpu, enc, { a: scratch, b: hidden, c: subRange(a.dW, 4 * b.v0 * C, 4 * b.vc * C), M: b.vc, N: C, K: b.rc, transA: true, accumulate: true });
  }
}

/** A plan of whole-row blocks (colChunk = V) within `budgetBytes`, for lmHeadOnePass; null when
 *  even 64 rows of V logits exceed it (then use forward + backward). */
export function lmHeadRowPlan(rows: number, V: number, budgetBytes = LMHEAD_BUDGET_BYTES): LmHeadPlan | null {
  const floats = Math.floor(budgetBytes / 4);
  if (rows * V <= floats) return { rows, V, rowChunk: rows, colChunk: V };
  const rowChunk = Math.floor(floats / V / ALIGN) * ALIGN;
  return rowChunk >= ALIGN ? { rows, V, rowChunk, colChunk: V } : null;
}

export interface LmHeadOnePassArgs extends Common {
  losses: Binding;  // (rows) out
  rowGrad: Binding; // (rows) ∂L/∂losses, filled BEFORE this runs
  dHidden: Binding; // (rows, C) accumulated (+=)
  dW: Binding;      // (V, C) accumulated (+=)
}

/** Records forward and backward together, given rowGrad in advance: per block of whole rows,
 *  logits → losses, lse → dlogits in place → dHidden +=, dW +=. */
export function lmHeadOnePass(gpu: Gpu, enc: StepEncoder, a: LmHeadOnePassArgs): void {
  const { plan, C } = a;
  if (plan.colChunk < plan.V) throw new Error('lmHeadOnePass needs blocks of whole rows (lmHeadRowPlan).');
  for (const b of blocks(plan)) {
    const hidden = subRange(a.hidden, 4 * b.r0 * C, 4 * b.rc * C);
    const rows = (x: Binding) => subRange(x, 4 * b.r0, 4 * b.rc);
    const logits = subRange(a.scratch, 0, 4 * b.rc * plan.V);
    const targets = rows(a.targets), lse = rows(a.lse);
    matmul(gpu, enc, { a: hidden, b: a.w, c: logits, M: b.rc, N: plan.V, K: C, transB: true });
    crossEntropyForward(gpu, enc, { logits, targets, losses: rows(a.losses), lse, N: b.rc, V: plan.V, variant: a.variant });
    crossEntropyBackward(gpu, enc, { logits, targets, lse, rowGrad: rows(a.rowGrad), dlogits: logits, N: b.rc, V: plan.V, variant: a.variant });
    matmul(gpu, enc, { a: logits, b: a.w, c: subRange(a.dHidden, 4 * b.r0 * C, 4 * b.rc * C), M: b.rc, N: C, K: plan.V, accumulate: true });
    matmul(gpu, enc, { a: logits, b: hidden, c: a.dW, M: plan.V, N: C, K: b.rc, transA: true, accumulate: true });
  }
}
