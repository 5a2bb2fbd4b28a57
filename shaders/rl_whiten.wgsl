// Whitens advantages in place over the response tokens: x = (x − mean) / sqrt(var + 1e-8), with the
// mean and (population) variance taken over rows whose target is in [0, V); other rows are set to 0.
// One workgroup: three fixed-order reductions (count, sum, squared deviations), each in its own
// array and read with workgroupUniformLoad (see docs/WGSL-TRAPS.md), so results are bit-identical.
// Bindings: @0 params, @1 targets (N) i32, @2 x (N) read_write
// Dispatch: 1 workgroup of 64.
struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;

const WG = 64u;
var<workgroup> counts: array<u32, WG>;
var<workgroup> sums: array<f32, WG>;
var<workgroup> squares: array<f32, WG>;

fn counted(r: u32) -> bool {
  let t = targets[r];
  return t >= 0 && u32(t) < p.V;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var c = 0u;
  var s = 0.0;
  for (var r = lid; r < p.N; r += WG) { if (counted(r)) { c++; s += x[r]; } }
  counts[lid] = c;
  sums[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      counts[lid] += counts[lid + k];
      sums[lid] += sums[lid + k];
    }
    workgroupBarrier();
  }
  let n = workgroupUniformLoad(&counts[0]);
  let mean = workgroupUniformLoad(&sums[0]) / f32(max(n, 1u));
  var q = 0.0;
  for (var r = lid; r < p.N; r += WG) { if (counted(r)) { let d = x[r] - mean; q += d * d; } }
  squares[lid] = q;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { squares[lid] += squares[lid + k]; }
    workgroupBarrier();
  }
  let scale = inverseSqrt(workgroupUniformLoad(&squares[0]) / f32(max(n, 1u)) + 1e-8);
  for (var r = lid; r < p.N; r += WG) { x[r] = select(0.0, (x[r] - mean) * scale, counted(r)); }
}
