// SwiGLU on the GPU, forward and backward.
//   forward:  x (rows, 2H) = [gate g | up u] per row; y (rows, H) = silu(g) · u, silu(g) = g · σ(g)
//   backward: dx (rows, 2H) = [dy · u · silu'(g) | dy · silu(g)], overwritten
// Reference: swiglu.ref.ts.
import forwardWgsl from '../../shaders/swiglu_forward.wgsl?raw';
import backwardWgsl from '../../shaders/swiglu_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

export interface SwigluForwardArgs {
  x: GPUBuffer; // (rows, 2H)
  y: GPUBuffer; // (rows, H)
  rows: number;
  H: number;
}

export function swigluForward(gpu: Gpu, enc: StepEncoder, { x, y, rows, H }: SwigluForwardArgs): void {
  enc.dispatch1d({
    label: 'swiglu_forward',
    pipeline: gpu.pipeline('swiglu_forward', forwardWgsl),
    params: params().u32(rows, H),
    buffers: [x, y],
  }, Math.ceil((rows * H) / WG));
}

export interface SwigluBackwardArgs {
  x: GPUBuffer;  // (rows, 2H) forward input
  dy: GPUBuffer; // (rows, H)
  dx: GPUBuffer; // (rows, 2H), overwritten
  rows: number;
  H: number;
}

export function swigluBackward(gpu: Gpu, enc: StepEncoder, { x, dy, dx, rows, H }: SwigluBackwardArgs): void {
  enc.dispatch1d({
    label: 'swiglu_backward',
    pipeline: gpu.pipeline('swiglu_backward', backwardWgsl),
    params: params().u32(rows, H),
    buffers: [x, dy, dx],
  }, Math.ceil((rows * H) / WG));
}
