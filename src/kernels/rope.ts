// Rotary position embedding (rotate-halves form) on the GPU, in place on the q and k heads of
// qkv (B, T, (nHead + 2·nKvHead)·hd); v heads are not touched.
//   forward:  rope({ qkv, ... })                  rotates by +θ, θ = (t + posOffset)·base^(−2i/hd)
//   backward: rope({ qkv: dqkv, ..., inverse: true })  rotates by −θ (the transpose), in place
// posOffset shifts positions for KV-cache decoding. Angles: θ = pos·invFreq in f32, as PyTorch's
// f32 reference computes them, so the error vs float64 grows with |θ| (about an ulp of θ). Measured
// on SwiftShader and llvmpipe for |x| ≤ 1: max 1.8e-6 at positions < 64, 1.6e-4 near 4096.
// Not here: attention; cos/sin are recomputed in the kernel rather than read from a table.
// Reference: rope.ref.ts.
import ropeWgsl from '../../shaders/rope_forward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

const WG = 256;

export interface RopeArgs {
  qkv: GPUBuffer; // (B, T, (nHead + 2·nKvHead)·headDim), rotated in place
  B: number;
  T: number;
  nHead: number;
  nKvHead: number;
  headDim: number; // even
  base: number; // e.g. 10000
  /** Rotate by −θ: the backward, applied to dqkv. */
  inverse?: boolean;
  /** Position of row t is t + posOffset (default 0). */
  posOffset?: number;
}

/** Largest headDim: the inverse frequencies travel in the uniform block (array<vec4f, 32>). */
export const ROPE_MAX_HEAD_DIM = 256;

export function rope(gpu: Gpu, enc: StepEncoder, { qkv, B, T, nHead, nKvHead, headDim, base, inverse = false, posOffset = 0 }: RopeArgs): void {
  if (headDim % 2 !== 0 || headDim > ROPE_MAX_HEAD_DIM) throw new Error(`rope: headDim must be even and at most ${ROPE_MAX_HEAD_DIM} (got ${headDim})`);
  const half = headDim / 2;
  const rows = B * T;
  // Computed in float64 and rounded once, like PyTorch's f32 inv_freq (and the same on every adapter).
  const invFreq = new Array<number>(ROPE_MAX_HEAD_DIM / 2).fill(0);
  for (let j = 0; j < half; j++) invFreq[j] = base ** ((-2 * j) / headDim);
  enc.dispatch1d({
    label: inverse ? 'rope_backward' : 'rope_forward',
    pipeline: gpu.pipeline('rope', ropeWgsl),
    params: params()
      .u32(rows, T, half, nHead + nKvHead, (nHead + 2 * nKvHead) * headDim, posOffset)
      .f32(inverse ? -1 : 1)
      .u32(0)
      .f32(...invFreq),
    buffers: [qkv],
  }, Math.ceil((rows * half) / WG));
}
