// Residual add / scaled add (axpy) on the GPU, forward and backward.
//   forward:  out = a + alpha * b          (n,)
//   backward: da += dout, db += alpha * dout
// Scaling is the same op with a = 0 cleared; the model folds scales into other kernels instead.
// Reference: residual.ref.ts.
import forwardWgsl from '../../shaders/residual_forward.wgsl?raw';
import backwardWgsl from '../../shaders/residual_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

/** out = a + alpha * b, all (n,). `out` must not alias `a` or `b`. */
export function residualForward(gpu: Gpu, enc: StepEncoder, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, n: number, alpha = 1): void {
  enc.dispatch1d({
    label: 'residual_forward',
    pipeline: gpu.pipeline('residual_forward', forwardWgsl),
    params: params().u32(n).f32(alpha),
    buffers: [a, b, out],
  }, Math.ceil(n / WG));
}

/** da += dout; db += alpha * dout. */
export function residualBackward(gpu: Gpu, enc: StepEncoder, dout: GPUBuffer, da: GPUBuffer, db: GPUBuffer, n: number, alpha = 1): void {
  enc.dispatch1d({
    label: 'residual_backward',
    pipeline: gpu.pipeline('residual_backward', backwardWgsl),
    params: params().u32(n).f32(alpha),
    buffers: [dout, da, db],
  }, Math.ceil(n / WG));
}
