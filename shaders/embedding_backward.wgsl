// Embedding backward as deterministic bucket sums (no atomics): each output element (row r, column c)
// is owned by exactly one thread, which adds up its source rows of dout in a fixed order.
//   BY_POSITION = false (dwte): r indexes the token ids present in the batch. The CPU bucketing
//     (embeddingBuckets in embedding.ts, a counting sort) is packed in one u32 buffer:
//       [ids (U) | offsets (U + 1) | positions (B·T)]
//     and dst[ids[r], c] += Σ_{k = offsets[r]}^{offsets[r+1]−1} dout[positions[k], c], positions ascending.
//   BY_POSITION = true (dwpe): r = t < T and dst[t, c] += Σ_{b < B} dout[b·T + t, c]; the buckets
//     binding is not read (any u32 buffer may fill it).
// Bindings: @0 params, @1 dout (B·T, C), @2 buckets u32 (2U + 1 + B·T), @3 dst: dwte (V, C) or
//   dwpe (Tmax, C), read_write
// Dispatch: one thread per (r, c): ceil(rows·C / 256) workgroups of 256, split 2-D. A token that
//   appears k times costs its threads k loads per column; columns stay coalesced.
override BY_POSITION: bool = false;

struct Params { rows: u32, C: u32, B: u32, T: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> buckets: array<u32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.rows * p.C) { return; }
  let r = i / p.C;
  let c = i - r * p.C;
  var s = 0.0;
  var outRow = r;
  if (BY_POSITION) {
    for (var b = 0u; b < p.B; b++) { s += dout[(b * p.T + r) * p.C + c]; }
  } else {
    let u = p.rows;
    outRow = buckets[r];
    let end = buckets[u + r + 1u];
    for (var k = buckets[u + r]; k < end; k++) { s += dout[buckets[2u * u + 1u + k] * p.C + c]; }
  }
  dst[outRow * p.C + c] += s;
}
