// LayerNorm backward, input gradient: with xhat = (x − mean) · rstd and g = dy · weight,
//   dx += rstd · (g − mean_c(g) − xhat · mean_c(g · xhat)).
// Accumulates: in a pre-norm transformer dx is the residual stream's gradient. The parameter
// gradients are done by layernorm_backward_params.wgsl (a column reduction, no atomics).
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header).
// Bindings: @0 params {rows, C}, @1 dy (rows, C), @2 x (rows, C), @3 weight (C), @4 mean (rows),
// @5 rstd (rows), @6 dx (rows, C); dy, x, weight, dx as V packs.
struct Params { rows: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<V>;
@group(0) @binding(2) var<storage, read> x: array<V>;
@group(0) @binding(3) var<storage, read> weight: array<V>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  let valid = row < p.rows;
  // Lanes of rows past the end see an empty row but still take part in the reductions.
  let n = select(0u, p.C / W, valid);
  let base = row * (p.C / W);
  var mu = 0.0;
  var r = 0.0;
  if (valid) { mu = mean[row]; r = rstd[row]; }

  var sg = V(0.0);
  var sgx = V(0.0);
  for (var c = lane; c < n; c += lanes) {
    let g = dy[base + c] * weight[c];
    sg += g;
    sgx += g * (x[base + c] - mu);
  }
  let invC = 1.0 / f32(p.C);
  let mg = rowSum(0u, hsum(sg)) * invC;
  let mgx = rowSum(1u, hsum(sgx)) * r * invC;

  for (var c = lane; c < n; c += lanes) {
    let g = dy[base + c] * weight[c];
    let xhat = (x[base + c] - mu) * r;
    dx[base + c] += r * (g - mg - xhat * mgx);
  }
}
