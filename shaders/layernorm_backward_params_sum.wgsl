// Norm parameter gradients, stage 2 of 2: adds the per-chunk partial sums of
// layernorm_backward_params.wgsl in chunk order (deterministic) and accumulates them:
//   dweight[c] += Σ_chunk partials[chunk, 0, c];  dbias[c] += Σ_chunk partials[chunk, 1, c]
// Bindings: @0 params {C, chunks}, @1 partials (chunks, 2, C), @2 dweight (C),
// @3 dbias (C; any other writable buffer when HAS_BIAS is false)
// Dispatch: ceil(C / 256) workgroups of 256, one thread per column.
struct Params { C: u32, chunks: u32 }

override HAS_BIAS: bool = true;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var w = 0.0;
  var b = 0.0;
  for (var k = 0u; k < p.chunks; k++) {
    w += partials[(k * 2u) * p.C + c];
    if (HAS_BIAS) { b += partials[(k * 2u + 1u) * p.C + c]; }
  }
  dweight[c] += w;
  if (HAS_BIAS) { dbias[c] += b; }
}
