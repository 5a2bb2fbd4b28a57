// LayerNorm over the last dimension: y = (x − mean) · rstd · weight + bias,
// rstd = 1 / sqrt(var + eps) with the biased variance (as PyTorch). Saves mean and rstd for backward.
// Two passes over the row (mean, then Σ(x − mean)²) rather than Σx² − mean², which cancels badly.
// Bindings: @0 params {rows, C, eps}, @1 x (rows, C), @2 weight (C), @3 bias (C; any buffer when
// HAS_BIAS is false), @4 y (rows, C), @5 mean (rows), @6 rstd (rows)
// Dispatch: workgroups of 256 threads, TPR threads per row (override: power of two ≤ 256), so
// 256 / TPR rows per workgroup; ceil(rows / (256 / TPR)) workgroups split 2-D,
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, C: u32, eps: f32 }

override TPR: u32 = 256u;
override HAS_BIAS: bool = true;
const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

// One array per reduction, so no slot is rewritten while another thread may still read it. Reusing
// one array with a barrier between the last read and the rewrite gave wrong variances on Mesa
// llvmpipe (GL ES), as if the read had moved past the barrier.
var<workgroup> redMean: array<f32, WG>;
var<workgroup> redVar: array<f32, WG>;

// Sum of v over the TPR threads of this row, through *red in a fixed order; every thread gets it.
fn rowSum(red: ptr<workgroup, array<f32, WG>>, lid: u32, t: u32, v: f32) -> f32 {
  (*red)[lid] = v;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { (*red)[lid] += (*red)[lid + stride]; }
    workgroupBarrier();
  }
  return (*red)[lid - t];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR;
  let t = lid % TPR;
  // Threads of rows past the end see an empty row but still take part in the barriers.
  let n = select(0u, p.C, row < p.rows);
  let base = row * p.C;
  let invC = 1.0 / f32(p.C);

  var s = 0.0;
  for (var c = t; c < n; c += TPR) { s += x[base + c]; }
  let mu = rowSum(&redMean, lid, t, s) * invC;
  var q = 0.0;
  for (var c = t; c < n; c += TPR) { let d = x[base + c] - mu; q += d * d; }
  let r = inverseSqrt(rowSum(&redVar, lid, t, q) * invC + p.eps);

  for (var c = t; c < n; c += TPR) {
    var v = (x[base + c] - mu) * r * weight[c];
    if (HAS_BIAS) { v += bias[c]; }
    y[base + c] = v;
  }
  if (t == 0u && n > 0u) {
    mean[row] = mu;
    rstd[row] = r;
  }
}
