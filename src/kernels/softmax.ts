// Row softmax on the GPU, forward and backward, and the row geometry the other row kernels
// (layernorm, rmsnorm) share: one row per TPR threads, 256 / TPR rows per workgroup.
//   forward:  y = softmax(x) over each row            x, y (rows, cols)
//   backward: dx = y ∘ (dy − rowsum(dy ∘ y))          y, dy, dx (rows, cols); dx overwritten
// Reference: softmax.ref.ts.
import forwardWgsl from '../../shaders/softmax_forward.wgsl?raw';
import backwardWgsl from '../../shaders/softmax_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

/** Threads per row and workgroup count for a row kernel over (rows, cols).
 *  About 8 elements per thread, at least 32 threads (a warp) and at most a whole workgroup per row:
 *  short rows share a workgroup instead of leaving most of its threads idle. */
export function rowGeometry(rows: number, cols: number): { constants: { TPR: number }; groups: number } {
  let tpr = 32;
  while (tpr < WG && tpr * 8 < cols) tpr *= 2;
  return { constants: { TPR: tpr }, groups: Math.ceil(rows / (WG / tpr)) };
}

export interface SoftmaxForwardArgs {
  x: GPUBuffer; // (rows, cols)
  y: GPUBuffer; // (rows, cols)
  rows: number;
  cols: number;
}

/** y = softmax(x) along each row, numerically stable. */
export function softmaxForward(gpu: Gpu, enc: StepEncoder, { x, y, rows, cols }: SoftmaxForwardArgs): void {
  const { constants, groups } = rowGeometry(rows, cols);
  enc.dispatch1d({
    label: 'softmax_forward',
    pipeline: gpu.pipeline('softmax_forward', forwardWgsl, constants),
    params: params().u32(rows, cols),
    buffers: [x, y],
  }, groups);
}

export interface SoftmaxBackwardArgs {
  y: GPUBuffer;  // (rows, cols) forward output
  dy: GPUBuffer; // (rows, cols)
  dx: GPUBuffer; // (rows, cols), overwritten
  rows: number;
  cols: number;
}

/** dx = y ∘ (dy − rowsum(dy ∘ y)). */
export function softmaxBackward(gpu: Gpu, enc: StepEncoder, { y, dy, dx, rows, cols }: SoftmaxBackwardArgs): void {
  const { constants, groups } = rowGeometry(rows, cols);
  enc.dispatch1d({
    label: 'softmax_backward',
    pipeline: gpu.pipeline('softmax_backward', backwardWgsl, constants),
    params: params().u32(rows, cols),
    buffers: [y, dy, dx],
  }, groups);
}
