// RMSNorm backward, input gradient: with xhat = x · rstd and g = dy · weight,
//   dx += rstd · (g − xhat · mean_c(g · xhat)).
// Accumulates: in a pre-norm transformer dx is the residual stream's gradient. dweight is done by
// layernorm_backward_params.wgsl with CENTERED = false (a column reduction, no atomics).
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header).
// Bindings: @0 params {rows, C}, @1 dy (rows, C), @2 x (rows, C), @3 weight (C), @4 rstd (rows),
// @5 dx (rows, C); dy, x, weight, dx as V packs.
struct Params { rows: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<V>;
@group(0) @binding(2) var<storage, read> x: array<V>;
@group(0) @binding(3) var<storage, read> weight: array<V>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  let valid = row < p.rows;
  // Lanes of rows past the end see an empty row but still take part in the reduction.
  let n = select(0u, p.C / W, valid);
  let base = row * (p.C / W);
  var r = 0.0;
  if (valid) { r = rstd[row]; }

  var s = V(0.0);
  for (var c = lane; c < n; c += lanes) { s += dy[base + c] * weight[c] * x[base + c]; }
  let m = rowSum(0u, hsum(s)) * r / f32(p.C);

  for (var c = lane; c < n; c += lanes) {
    let g = dy[base + c] * weight[c];
    dx[base + c] += r * (g - x[base + c] * r * m);
  }
}
