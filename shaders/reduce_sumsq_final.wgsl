// Stage 2 of the deterministic sum of squares: ONE workgroup adds `count` partials in a fixed order
// (thread lid takes partials lid, lid + 64, ..., then a tree) and writes the total, or its square
// root (global gradient norm), to out[outIndex].
// Bindings: @0 params, @1 partials (count) read, @2 out (outIndex + 1) read_write
// Dispatch: 1 workgroup of 64 (64 wide like stage 1; see reduce_sumsq_partial.wgsl).
struct Params { count: u32, outIndex: u32, takeSqrt: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const WG = 64u;
var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.count; i += WG) { s += partials[i]; }
  sums[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { sums[lid] += sums[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[p.outIndex] = select(sums[0], sqrt(sums[0]), p.takeSqrt != 0u); }
}
