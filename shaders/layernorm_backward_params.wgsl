// Norm parameter gradients, stage 1 of 2: per-chunk column sums over a chunk of rows,
//   partials[chunk, 0, c] = Σ_{rows r in chunk} dy[r, c] · xhat[r, c]   (→ dweight)
//   partials[chunk, 1, c] = Σ_{rows r in chunk} dy[r, c]                (→ dbias, when HAS_BIAS)
// with xhat = (x − mean) · rstd (LayerNorm) or x · rstd (RMSNorm: CENTERED false).
// Stage 2 (layernorm_backward_params_sum.wgsl) adds the chunks in a fixed order: no atomics, so the
// result is the same every run, and chunks give the GPU rows × C parallelism instead of C.
// One invocation per column pack walks its chunk's rows: neighbouring invocations read
// neighbouring packs (coalesced), and there are no barriers (costly on CPU adapters).
// Composed after a width prelude (reduce_rows_vec4.wgsl when C % 4 == 0, else reduce_rows_scalar.wgsl).
// Bindings: @0 params {rows, C, rowsPerChunk}, @1 dy (rows, C), @2 x (rows, C),
// @3 mean (rows; any buffer when CENTERED is false), @4 rstd (rows), @5 partials (chunks, 2, C);
// dy, x and partials as V packs.
// Dispatch: (ceil(C / W / 64), chunks) workgroups of 64.
struct Params { rows: u32, C: u32, rowsPerChunk: u32 }

override CENTERED: bool = true;
override HAS_BIAS: bool = true;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<V>;
@group(0) @binding(2) var<storage, read> x: array<V>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> partials: array<V>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let packs = p.C / W;
  let col = wid.x * 64u + lid;
  if (col >= packs) { return; }
  let chunk = wid.y;
  let r0 = chunk * p.rowsPerChunk;
  let r1 = min(r0 + p.rowsPerChunk, p.rows);
  var sw = V(0.0);
  var sb = V(0.0);
  for (var r = r0; r < r1; r++) {
    let g = dy[r * packs + col];
    var xc = x[r * packs + col];
    if (CENTERED) { xc -= mean[r]; }
    sw += g * xc * rstd[r];
    sb += g;
  }
  partials[(chunk * 2u) * packs + col] = sw;
  if (HAS_BIAS) { partials[(chunk * 2u + 1u) * packs + col] = sb; }
}
