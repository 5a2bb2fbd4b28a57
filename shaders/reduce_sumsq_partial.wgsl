// Stage 1 of a deterministic sum of squares over x[offset, offset + n) (in packs of W floats):
// workgroup g sums the squares of a fixed grid-stride subset (i = g·64 + lid, stepping by
// 64·groups) and writes ONE partial. The partition depends only on n and the group count, so the
// result is bit-identical run to run. For GPUs; CPU adapters use reduce_sumsq_partial_thread.wgsl.
// 64 invocations: on GPUs 64 is a common reduction width (and a fine workgroup for any subgroup size).
// Composed after a width prelude (reduce_rows_vec4.wgsl when offset and n are multiples of 4).
// Bindings: @0 params {n, offset (packs), partialBase}, @1 x (offset + n packs) read,
// @2 partials (partialBase + groups) read_write
// Dispatch: `groups` workgroups of 64 in x only (the caller caps groups at 1024, so no 2-D split is
//   needed however large n is: each thread loops over ceil(n / (64·groups)) packs).
struct Params { n: u32, offset: u32, partialBase: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

const WG = 64u;
var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let stride = nwg.x * WG;
  var s = V(0.0);
  for (var i = wid.x * WG + lid; i < p.n; i += stride) {
    let v = x[p.offset + i];
    s += v * v;
  }
  sums[lid] = hsum(s);
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { sums[lid] += sums[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[p.partialBase + wid.x] = sums[0]; }
}
