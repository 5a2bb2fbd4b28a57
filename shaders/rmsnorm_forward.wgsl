// RMSNorm over the last dimension: y = x · rstd · weight, rstd = 1 / sqrt(mean_c(x²) + eps).
// Saves rstd for backward.
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header).
// Bindings: @0 params {rows, C, eps}, @1 x (rows, C), @2 weight (C), @3 y (rows, C), @4 rstd (rows);
// x, weight, y as V packs.
struct Params { rows: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read> weight: array<V>;
@group(0) @binding(3) var<storage, read_write> y: array<V>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reduction.
  let n = select(0u, p.C / W, row < p.rows);
  let base = row * (p.C / W);

  var q = V(0.0);
  for (var c = lane; c < n; c += lanes) { let v = x[base + c]; q += v * v; }
  let r = inverseSqrt(rowSum(0u, hsum(q)) / f32(p.C) + p.eps);

  for (var c = lane; c < n; c += lanes) { y[base + c] = x[base + c] * r * weight[c]; }
  if (lane == 0u && n > 0u) { rstd[row] = r; }
}
