// Norm parameter gradients, stage 2 of 2: adds the per-chunk partial sums of
// layernorm_backward_params.wgsl in chunk order (deterministic) and accumulates them:
//   dweight[c] += Σ_chunk partials[chunk, 0, c];  dbias[c] += Σ_chunk partials[chunk, 1, c]
// Composed after a width prelude (reduce_rows_vec4.wgsl or reduce_rows_scalar.wgsl), like stage 1.
// Bindings: @0 params {C, chunks}, @1 partials (chunks, 2, C), @2 dweight (C),
// @3 dbias (C; any other writable buffer when HAS_BIAS is false); all as V packs.
// Dispatch: ceil(C / W / 64) workgroups of 64, one invocation per column pack.
struct Params { C: u32, chunks: u32 }

override HAS_BIAS: bool = true;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partials: array<V>;
@group(0) @binding(2) var<storage, read_write> dweight: array<V>;
@group(0) @binding(3) var<storage, read_write> dbias: array<V>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let packs = p.C / W;
  let c = gid.x;
  if (c >= packs) { return; }
  var w = V(0.0);
  var b = V(0.0);
  for (var k = 0u; k < p.chunks; k++) {
    w += partials[(k * 2u) * packs + c];
    if (HAS_BIAS) { b += partials[(k * 2u + 1u) * packs + c]; }
  }
  dweight[c] += w;
  if (HAS_BIAS) { dbias[c] += b; }
}
