// Attention for one new token per sequence against a KV cache: the sampler's inner loop.
// The cache is simply the qkv rows of the tokens so far, (B, Tmax, (nHead + 2·nKvHead)·hd);
// the newest row (n - 1) carries the query. Inference only: no backward.
// Reference: attention_decode.ref.ts.
import decodeWgsl from '../../shaders/attention_decode_forward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';
import { checkAttentionShape } from './attention';

export interface AttentionDecodeArgs {
  cache: GPUBuffer; // (B, Tmax, (nHead + 2·nKvHead)·hd)
  out: GPUBuffer;   // (B, nHead·hd)
  B: number;
  Tmax: number;
  /** Number of filled rows, including the new token (1 ≤ n ≤ Tmax). */
  n: number;
  nHead: number;
  nKvHead: number;
  headDim: number;
}

export function attentionDecode(gpu: Gpu, enc: StepEncoder, a: AttentionDecodeArgs): void {
  checkAttentionShape({ B: a.B, T: a.n, nHead: a.nHead, nKvHead: a.nKvHead, headDim: a.headDim });
  if (a.n > a.Tmax) throw new Error(`attention decode: ${a.n} tokens exceed the cache of ${a.Tmax}.`);
  enc.dispatch1d({
    label: 'attention_decode_forward',
    pipeline: gpu.pipeline('attention_decode_forward', decodeWgsl),
    params: params().u32(a.B, a.Tmax, a.n, a.nHead, a.nKvHead, a.headDim).f32(1 / Math.sqrt(a.headDim)),
    buffers: [a.cache, a.out],
  }, a.B * a.nHead);
}
