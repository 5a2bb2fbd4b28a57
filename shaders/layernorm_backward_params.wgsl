// Norm parameter gradients, stage 1 of 2: per-chunk column sums over a chunk of rows,
//   partials[chunk, 0, c] = Σ_{rows r in chunk} dy[r, c] · xhat[r, c]   (→ dweight)
//   partials[chunk, 1, c] = Σ_{rows r in chunk} dy[r, c]                (→ dbias, when HAS_BIAS)
// with xhat = (x − mean) · rstd (LayerNorm) or x · rstd (RMSNorm: CENTERED false).
// Stage 2 (layernorm_backward_params_sum.wgsl) adds the chunks in a fixed order: no atomics, so the
// result is the same every run, and chunks give the GPU rows × C parallelism instead of C.
// Bindings: @0 params {rows, C, rowsPerChunk}, @1 dy (rows, C), @2 x (rows, C),
// @3 mean (rows; any buffer when CENTERED is false), @4 rstd (rows), @5 partials (chunks, 2, C)
// Dispatch: (ceil(C / 64), chunks) workgroups of 256 = 64 columns × 4 row lanes.
struct Params { rows: u32, C: u32, rowsPerChunk: u32 }

override CENTERED: bool = true;
override HAS_BIAS: bool = true;
const COLS: u32 = 64u;
const LANES: u32 = 4u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> partials: array<f32>;

var<workgroup> red: array<vec2f, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let col = wid.x * COLS + lid % COLS;
  let lane = lid / COLS;
  let chunk = wid.y;
  let r0 = chunk * p.rowsPerChunk;
  let r1 = min(r0 + p.rowsPerChunk, p.rows);

  var s = vec2f(0.0);
  if (col < p.C) {
    for (var r = r0 + lane; r < r1; r += LANES) {
      let g = dy[r * p.C + col];
      var xhat = x[r * p.C + col];
      if (CENTERED) { xhat -= mean[r]; }
      s += vec2f(g * xhat * rstd[r], g);
    }
  }
  red[lid] = s;
  workgroupBarrier();
  if (lane == 0u && col < p.C) {
    let total = ((red[lid] + red[lid + COLS]) + red[lid + 2u * COLS]) + red[lid + 3u * COLS];
    partials[(chunk * 2u) * p.C + col] = total.x;
    if (HAS_BIAS) { partials[(chunk * 2u + 1u) * p.C + col] = total.y; }
  }
}
