// Token + position embedding on the GPU, forward and deterministic backward.
//   forward:  out (B·T, C) = wte[tokens] (V, C) + wpe[t + posOffset] (Tmax, C)  (wpe null for RoPE)
//   backward: dwte += scatter-add of dout by token, dwpe += Σ_b dout[b, t]
// The backward uses no atomics: the CPU, which uploads the tokens anyway, also uploads a bucketing
// of positions by token (embeddingBuckets), and each (token present, column) is summed by one
// thread in ascending position order, so gradients are bit-identical run to run.
// Not here: token id validation beyond embeddingBuckets, weight tying (the model adds the lm-head
// gradient into dwte itself).
// Reference: embedding.ref.ts.
import forwardWgsl from '../../shaders/embedding_forward.wgsl?raw';
import backwardWgsl from '../../shaders/embedding_backward.wgsl?raw';
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import type { Binding } from '../gpu/binding';
import { params } from '../gpu/params';

const WG = 256;

/** Positions grouped by token id, packed for upload as [ids (U) | offsets (U + 1) | positions (B·T)]. */
export interface EmbeddingBuckets {
  data: Uint32Array;
  /** U: number of distinct token ids in the batch. */
  numIds: number;
}

/** Counting sort of positions 0..B·T−1 by token id (ascending ids, positions ascending within an id). */
export function embeddingBuckets(tokens: ArrayLike<number>, V: number): EmbeddingBuckets {
  const n = tokens.length;
  const counts = new Uint32Array(V);
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new RangeError(`embedding: token ${t} at position ${i} is outside the vocabulary [0, ${V})`);
    counts[t]++;
  }
  let numIds = 0;
  for (let v = 0; v < V; v++) if (counts[v] > 0) numIds++;
  const data = new Uint32Array(2 * numIds + 1 + n);
  const slot = new Uint32Array(V); // next write index in positions for each id
  let u = 0, start = 0;
  for (let v = 0; v < V; v++) {
    if (counts[v] === 0) continue;
    data[u] = v;
    data[numIds + u] = start;
    slot[v] = start;
    start += counts[v];
    u++;
  }
  data[2 * numIds] = n;
  const positions = 2 * numIds + 1;
  for (let i = 0; i < n; i++) data[positions + slot[tokens[i]]++] = i;
  return { data, numIds };
}

export interface EmbeddingForwardArgs {
  tokens: Binding; // (B·T) u32 or i32 ids in [0, V)
  wte: Binding; // (V, C)
  wpe: Binding | null; // (Tmax ≥ T + posOffset, C), null for RoPE models
  out: Binding; // (B·T, C)
  B: number;
  T: number;
  C: number;
  /** Position of row t is t + posOffset (default 0; KV-cache decoding). */
  posOffset?: number;
}

export function embeddingForward(gpu: Gpu, enc: StepEncoder, { tokens, wte, wpe, out, B, T, C, posOffset = 0 }: EmbeddingForwardArgs): void {
  enc.dispatch1d({
    label: 'embedding_forward',
    pipeline: gpu.pipeline('embedding_forward', forwardWgsl, { HAS_WPE: wpe ? 1 : 0 }),
    params: params().u32(B * T, T, C, posOffset),
    // Without wpe the slot still needs a binding: wte, read-only twice, is allowed and never read there.
    buffers: [tokens, wte, wpe ?? wte, out],
  }, Math.ceil((B * T * C) / WG));
}

export interface EmbeddingBackwardArgs {
  dout: Binding; // (B·T, C)
  dwte: Binding; // (V, C) accumulated
  dwpe: Binding | null; // (Tmax ≥ T, C) accumulated; null for RoPE models
  /** embeddingBuckets(tokens, V).data uploaded as u32. */
  buckets: Binding;
  /** embeddingBuckets(tokens, V).numIds. */
  numIds: number;
  B: number;
  T: number;
  C: number;
}

export function embeddingBackward(gpu: Gpu, enc: StepEncoder, { dout, dwte, dwpe, buckets, numIds, B, T, C }: EmbeddingBackwardArgs): void {
  const pass = (byPosition: boolean, rows: number, dst: Binding) => enc.dispatch1d({
    label: byPosition ? 'embedding_backward_wpe' : 'embedding_backward_wte',
    pipeline: gpu.pipeline('embedding_backward', backwardWgsl, { BY_POSITION: byPosition ? 1 : 0 }),
    params: params().u32(rows, C, B, T),
    buffers: [dout, buckets, dst],
  }, Math.ceil((rows * C) / WG));
  if (numIds > 0) pass(false, numIds, dwte);
  if (dwpe) pass(true, T, dwpe);
}
