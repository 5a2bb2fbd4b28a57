// LayerNorm over the last dimension: y = (x − mean) · rstd · weight + bias,
// rstd = 1 / sqrt(var + eps) with the biased variance (as PyTorch). Saves mean and rstd for backward.
// Two passes over the row (mean, then Σ(x − mean)²) rather than Σx² − mean², which cancels badly;
// the mean itself is summed relative to the row's first pack, so a large common offset costs no
// precision either.
// A row-kernel body: composed after a geometry prelude (reduce_rows_{thread,subgroup,tree}.wgsl)
// and a width prelude (reduce_rows_{vec4,scalar}.wgsl) that define rowSum, V, W and the entry point;
// the dispatch geometry is the geometry prelude's. See src/kernels/reduce.ts (rowKernel).
// Bindings: @0 params {rows, C, eps}, @1 x (rows, C), @2 weight (C), @3 bias (C; any buffer when
// HAS_BIAS is false), @4 y (rows, C), @5 mean (rows), @6 rstd (rows); x, weight, bias, y as V packs.
struct Params { rows: u32, C: u32, eps: f32 }

override HAS_BIAS: bool = true;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read> weight: array<V>;
@group(0) @binding(3) var<storage, read> bias: array<V>;
@group(0) @binding(4) var<storage, read_write> y: array<V>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reductions.
  let n = select(0u, p.C / W, row < p.rows);
  let base = row * (p.C / W);
  let invC = 1.0 / f32(p.C);
  var shift = 0.0;
  if (n > 0u) { shift = hsum(x[base]) / f32(W); }

  var s = V(0.0);
  for (var c = lane; c < n; c += lanes) { s += x[base + c] - shift; }
  let mu = shift + rowSum(0u, hsum(s)) * invC;
  var q = V(0.0);
  for (var c = lane; c < n; c += lanes) { let d = x[base + c] - mu; q += d * d; }
  let r = inverseSqrt(rowSum(1u, hsum(q)) * invC + p.eps);

  for (var c = lane; c < n; c += lanes) {
    var v = (x[base + c] - mu) * r * weight[c];
    if (HAS_BIAS) { v += bias[c]; }
    y[base + c] = v;
  }
  if (lane == 0u && n > 0u) {
    mean[row] = mu;
    rstd[row] = r;
  }
}
