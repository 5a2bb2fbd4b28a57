// GELU (tanh form, as GPT-2) on the GPU, forward and backward, elementwise over n values.
//   forward:  y = 0.5 · x · (1 + tanh(√(2/π)(x + 0.044715x³)))   x, y (n)
//   backward: dx = dy · gelu'(x)                                  x, dy, dx (n); dx overwritten
// Reference: gelu.ref.ts.
import forwardWgsl from '../../shaders/gelu_forward.wgsl?raw';
import backwardWgsl from '../../shaders/gelu_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

export interface GeluForwardArgs {
  x: GPUBuffer; // (n)
  y: GPUBuffer; // (n)
  n: number;
}

export function geluForward(gpu: Gpu, enc: StepEncoder, { x, y, n }: GeluForwardArgs): void {
  enc.dispatch1d({
    label: 'gelu_forward',
    pipeline: gpu.pipeline('gelu_forward', forwardWgsl),
    params: params().u32(n),
    buffers: [x, y],
  }, Math.ceil(n / WG));
}

export interface GeluBackwardArgs {
  x: GPUBuffer;  // (n) forward input
  dy: GPUBuffer; // (n)
  dx: GPUBuffer; // (n), overwritten
  n: number;
}

export function geluBackward(gpu: Gpu, enc: StepEncoder, { x, dy, dx, n }: GeluBackwardArgs): void {
  enc.dispatch1d({
    label: 'gelu_backward',
    pipeline: gpu.pipeline('gelu_backward', backwardWgsl),
    params: params().u32(n),
    buffers: [x, dy, dx],
  }, Math.ceil(n / WG));
}
