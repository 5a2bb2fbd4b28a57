// Mean cross-entropy over counted rows, and the matching rowGrad, with no CPU readback.
// A row is counted when targets[r] is in [0, V) (ignored rows use −1). One workgroup sums the losses
// and counts rows in a fixed order (thread lid takes rows lid, lid + 64, ..., then a tree), so the
// result is bit-identical run to run.
//   FILL_ROW_GRAD = false: dst[0] = Σ_counted losses / count   (0 when nothing is counted)
//   FILL_ROW_GRAD = true:  dst[r] = gradScale / count for counted rows, 0 for ignored rows (N)
// Bindings: @0 params, @1 losses (N), @2 targets (N) i32, @3 dst (1 or N) read_write
// Dispatch: 1 workgroup of 64 (N is a token count, B·T; 64 wide: see reduce_sumsq_partial.wgsl).
override FILL_ROW_GRAD: bool = false;

struct Params { N: u32, V: u32, gradScale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> losses: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

const WG = 64u;
var<workgroup> sums: array<f32, WG>;
var<workgroup> counts: array<u32, WG>;

fn counted(r: u32) -> bool {
  let t = targets[r];
  return t >= 0 && u32(t) < p.V;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var n = 0u;
  for (var r = lid; r < p.N; r += WG) {
    if (counted(r)) {
      s += losses[r];
      n++;
    }
  }
  sums[lid] = s;
  counts[lid] = n;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      sums[lid] += sums[lid + k];
      counts[lid] += counts[lid + k];
    }
    workgroupBarrier();
  }
  let total = counts[0];
  if (FILL_ROW_GRAD) {
    let g = select(0.0, p.gradScale / f32(total), total > 0u);
    for (var r = lid; r < p.N; r += WG) { dst[r] = select(0.0, g, counted(r)); }
  } else if (lid == 0u) {
    dst[0] = select(0.0, sums[0] / f32(total), total > 0u);
  }
}
