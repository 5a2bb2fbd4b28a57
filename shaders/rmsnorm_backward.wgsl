// RMSNorm backward, input gradient: with xhat = x · rstd and g = dy · weight,
//   dx += rstd · (g − xhat · mean_c(g · xhat)).
// Accumulates: in a pre-norm transformer dx is the residual stream's gradient. dweight is done by
// layernorm_backward_params.wgsl with CENTERED = false (a column reduction, no atomics).
// Bindings: @0 params {rows, C}, @1 dy (rows, C), @2 x (rows, C), @3 weight (C), @4 rstd (rows),
// @5 dx (rows, C)
// Dispatch: workgroups of 256 threads, TPR threads per row (override: power of two ≤ 256), so
// 256 / TPR rows per workgroup; ceil(rows / (256 / TPR)) workgroups split 2-D,
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, C: u32 }

override TPR: u32 = 256u;
const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR;
  let t = lid % TPR;
  let valid = row < p.rows;
  // Threads of rows past the end see an empty row but still take part in the barriers.
  let n = select(0u, p.C, valid);
  let base = row * p.C;
  var r = 0.0;
  if (valid) { r = rstd[row]; }

  var s = 0.0;
  for (var c = t; c < n; c += TPR) { s += dy[base + c] * weight[c] * x[base + c]; }
  red[lid] = s * r;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  let m = red[lid - t] / f32(p.C);

  for (var c = t; c < n; c += TPR) {
    let g = dy[base + c] * weight[c];
    dx[base + c] += r * (g - x[base + c] * r * m);
  }
}
