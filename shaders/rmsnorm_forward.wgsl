// RMSNorm over the last dimension: y = x · rstd · weight, rstd = 1 / sqrt(mean_c(x²) + eps).
// Saves rstd for backward.
// Bindings: @0 params {rows, C, eps}, @1 x (rows, C), @2 weight (C), @3 y (rows, C), @4 rstd (rows)
// Dispatch: workgroups of 256 threads, TPR threads per row (override: power of two ≤ 256), so
// 256 / TPR rows per workgroup; ceil(rows / (256 / TPR)) workgroups split 2-D,
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, C: u32, eps: f32 }

override TPR: u32 = 256u;
const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR;
  let t = lid % TPR;
  // Threads of rows past the end see an empty row but still take part in the barriers.
  let n = select(0u, p.C, row < p.rows);
  let base = row * p.C;

  var q = 0.0;
  for (var c = t; c < n; c += TPR) { let v = x[base + c]; q += v * v; }
  red[lid] = q;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  let r = inverseSqrt(red[lid - t] / f32(p.C) + p.eps);

  for (var c = t; c < n; c += TPR) { y[base + c] = x[base + c] * r * weight[c]; }
  if (t == 0u && n > 0u) { rstd[row] = r; }
}
