// Fused causal multi-head attention with grouped-query heads (FlashAttention-2 style), forward and
// backward. Keys stream through workgroup memory in tiles with an online softmax; no T×T matrix is
// ever stored. The forward saves lse (logsumexp of the scaled scores) so the backward can recompute
// the probabilities tile by tile. The backward is two dispatches and needs no scratch buffer:
//   attention_backward      one thread per query row: dq (and D = dO·O for its own row)
//   attention_backward_dkv  one thread per key: dk, dv, summed over the kv head's query heads in a
//                           fixed order (deterministic, no atomics), recomputing D from dO and O
// It does not apply RoPE or the output projection (rope.ts, matmul.ts do).
// Reference: attention.ref.ts.
import forwardWgsl from '../../shaders/attention_forward.wgsl?raw';
import backwardDqWgsl from '../../shaders/attention_backward.wgsl?raw';
import backwardDkvWgsl from '../../shaders/attention_backward_dkv.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { params } from '../gpu/params';

export interface AttentionShape {
  B: number;
  T: number;
  nHead: number;
  nKvHead: number;
  headDim: number;
}

export interface AttentionForwardArgs extends AttentionShape {
  qkv: GPUBuffer; // (B, T, (nHead + 2·nKvHead)·hd)
  out: GPUBuffer; // (B, T, nHead·hd)
  lse: GPUBuffer; // (B, nHead, T)
}

export interface AttentionBackwardArgs extends AttentionForwardArgs {
  dout: GPUBuffer; // (B, T, nHead·hd)
  dqkv: GPUBuffer; // (B, T, (nHead + 2·nKvHead)·hd), overwritten entirely
}

/** The largest head dim the kernels' register arrays hold (MAX_HD4 · 4 in the shaders). */
export const MAX_HEAD_DIM = 128;
/** Threads per workgroup: one per query row (forward, dq) or per key (dk, dv). */
const ROWS = 64;
/** Workgroup memory for the streamed tiles: the WebGPU default limit, so the kernels run on every
 *  device. */
const TILE_BYTES = 16384;

/** Rows per streamed tile: two tiles of hd floats (K and V, or Q and dO) plus `extraBytesPerRow`
 *  (the dK/dV pass also keeps lse and D per row) within TILE_BYTES; a multiple of 4 (rows go in
 *  blocks of 4), at most 64 (MAX_BC in the forward shader). */
export function attentionTileRows(headDim: number, extraBytesPerRow = 0): number {
  return Math.min(64, 4 * Math.floor(TILE_BYTES / (8 * headDim + extraBytesPerRow) / 4));
}

/** Throws an Error a person can act on when the shape is outside what the kernels handle. */
export function checkAttentionShape({ B, T, nHead, nKvHead, headDim }: AttentionShape): void {
  for (const [name, v] of Object.entries({ B, T, nHead, nKvHead, headDim }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`attention: ${name} must be a positive integer, got ${v}.`);
  if (headDim % 4 !== 0 || headDim > MAX_HEAD_DIM)
    throw new Error(`attention: head dim ${headDim} is not supported; use a multiple of 4 up to ${MAX_HEAD_DIM} (d_model / n_head).`);
  if (nHead % nKvHead !== 0)
    throw new Error(`attention: ${nHead} query heads cannot be shared evenly by ${nKvHead} kv heads; choose n_kv_head dividing n_head.`);
}

/** Throws when a buffer is too small for the shape (the shaders' clamped reads would hide it). */
function checkSizes(args: Partial<AttentionBackwardArgs> & AttentionShape): void {
  const { B, T, nHead, nKvHead, headDim } = args;
  const need: [string, GPUBuffer | undefined, number][] = [
    ['qkv', args.qkv, B * T * (nHead + 2 * nKvHead) * headDim],
    ['out', args.out, B * T * nHead * headDim],
    ['lse', args.lse, B * nHead * T],
    ['dout', args.dout, B * T * nHead * headDim],
    ['dqkv', args.dqkv, B * T * (nHead + 2 * nKvHead) * headDim],
  ];
  for (const [name, buf, n] of need)
    if (buf && buf.size < 4 * n) throw new Error(`attention: ${name} holds ${buf.size} bytes but B=${B}, T=${T}, heads ${nHead}/${nKvHead}, hd ${headDim} need ${4 * n}.`);
}

function shapeParams({ B, T, nHead, nKvHead, headDim }: AttentionShape) {
  const scale = 1 / Math.sqrt(headDim);
  return params().u32(B, T, nHead, nKvHead).f32(scale * Math.LOG2E, scale);
}

/** out = causal softmax(q·kᵀ/√hd)·v per query head; lse = logsumexp of the scaled scores. */
export function attentionForward(gpu: Gpu, enc: StepEncoder, args: AttentionForwardArgs): void {
  checkAttentionShape(args);
  checkSizes(args);
  const { qkv, out, lse, B, T, nHead, headDim } = args;
  enc.dispatch1d({
    label: 'attention_forward',
    pipeline: gpu.pipeline('attention_forward', forwardWgsl, { HD4: headDim / 4, BR: ROWS, BC: attentionTileRows(headDim) }),
    params: shapeParams(args),
    buffers: [qkv, out, lse],
  }, B * nHead * Math.ceil(T / ROWS));
}

/** dqkv = gradient of Σ out·dout with respect to qkv (q, k and v parts all overwritten). */
export function attentionBackward(gpu: Gpu, enc: StepEncoder, args: AttentionBackwardArgs): void {
  checkAttentionShape(args);
  checkSizes(args);
  const { qkv, out, lse, dout, dqkv, B, T, nHead, nKvHead, headDim } = args;
  const p = shapeParams(args);
  const buffers = [qkv, out, lse, dout, dqkv];
  enc.dispatch1d({
    label: 'attention_backward',
    pipeline: gpu.pipeline('attention_backward', backwardDqWgsl, { HD4: headDim / 4, BR: ROWS, BC: attentionTileRows(headDim) }),
    params: p,
    buffers,
  }, B * nHead * Math.ceil(T / ROWS));
  enc.dispatch1d({
    label: 'attention_backward_dkv',
    pipeline: gpu.pipeline('attention_backward_dkv', backwardDkvWgsl, { HD4: headDim / 4, BK: ROWS, BQ: attentionTileRows(headDim, 8) }),
    params: p,
    buffers,
  }, B * nKvHead * Math.ceil(T / ROWS));
}
