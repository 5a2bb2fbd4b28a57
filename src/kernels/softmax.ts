// Row softmax on the GPU, forward and backward.
//   forward:  y = softmax(x) over each row            x, y (rows, cols)
//   backward: dx = y ∘ (dy − rowsum(dy ∘ y))          y, dy, dx (rows, cols); dx overwritten
// Both are row kernels (reduce.ts rowKernel): the reduction geometry follows the device.
// Reference: softmax.ref.ts.
import forwardWgsl from '../../shaders/softmax_forward.wgsl?raw';
import backwardWgsl from '../../shaders/softmax_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';
import { rowKernel, type RowVariant } from './reduce';

export interface SoftmaxForwardArgs {
  x: GPUBuffer; // (rows, cols)
  y: GPUBuffer; // (rows, cols)
  rows: number;
  cols: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

/** y = softmax(x) along each row, numerically stable. */
export function softmaxForward(gpu: Gpu, enc: StepEncoder, { x, y, rows, cols, variant }: SoftmaxForwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'softmax_forward', body: forwardWgsl, rows, cols, variant,
    params: params().u32(rows, cols),
    buffers: [x, y],
  });
}

export interface SoftmaxBackwardArgs {
  y: GPUBuffer;  // (rows, cols) forward output
  dy: GPUBuffer; // (rows, cols)
  dx: GPUBuffer; // (rows, cols), overwritten
  rows: number;
  cols: number;
  /** Tests and benchmarks only: force a row geometry. */
  variant?: RowVariant;
}

/** dx = y ∘ (dy − rowsum(dy ∘ y)). */
export function softmaxBackward(gpu: Gpu, enc: StepEncoder, { y, dy, dx, rows, cols, variant }: SoftmaxBackwardArgs): void {
  rowKernel(gpu, enc, {
    label: 'softmax_backward', body: backwardWgsl, rows, cols, variant,
    params: params().u32(rows, cols),
    buffers: [y, dy, dx],
  });
}
