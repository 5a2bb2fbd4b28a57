// Token + position embedding: out[b·T + t, c] = wte[tokens[b·T + t], c] + wpe[t + posOffset, c]
// (posOffset > 0 when decoding with a KV cache, one position at a time).
// RoPE models have no wpe: HAS_WPE = false, and the caller binds wte in the wpe slot (never read).
// Token ids are validated on the CPU, which uploads them; an out-of-range id is clamped by WGSL's
// bounds behaviour rather than reading outside wte.
// Bindings: @0 params, @1 tokens (B·T) u32 (i32 ids ≥ 0 have the same bits), @2 wte (V, C),
//   @3 wpe (Tmax ≥ T + posOffset, C), @4 out (B·T, C)
// Dispatch: one thread per output element: ceil(B·T·C / 256) workgroups of 256, split 2-D.
override HAS_WPE: bool = true;

struct Params { rows: u32, T: u32, C: u32, posOffset: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> tokens: array<u32>;
@group(0) @binding(2) var<storage, read> wte: array<f32>;
@group(0) @binding(3) var<storage, read> wpe: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.rows * p.C) { return; }
  let row = i / p.C;
  let c = i - row * p.C;
  var e = wte[tokens[row] * p.C + c];
  if (HAS_WPE) { e += wpe[(row % p.T + p.posOffset) * p.C + c]; }
  out[i] = e;
}
