// Row softmax, numerically stable: y[r, c] = exp(x[r, c] - max_r) / sum_c' exp(x[r, c'] - max_r).
// Each thread keeps a running (max, sum) over its columns (online softmax: x is read twice, not
// three times); a fixed-order tree in workgroup memory merges the pairs, so results are repeatable.
// Bindings: @0 params {rows, cols}, @1 x (rows, cols), @2 y (rows, cols)
// Dispatch: workgroups of 256 threads, TPR threads per row (override: power of two ≤ 256), so
// 256 / TPR rows per workgroup; ceil(rows / (256 / TPR)) workgroups split 2-D,
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, cols: u32 }

override TPR: u32 = 256u;
const WG: u32 = 256u;
// Start of every running max: finite, so merging two empty partials never computes inf - inf.
const LOWEST: f32 = -3.4028234e38;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

var<workgroup> redMax: array<f32, WG>;
var<workgroup> redSum: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR;
  let t = lid % TPR;
  // Threads of rows past the end see an empty row but still take part in the barriers.
  let n = select(0u, p.cols, row < p.rows);
  let base = row * p.cols;

  var m = LOWEST;
  var s = 0.0;
  for (var c = t; c < n; c += TPR) {
    let v = x[base + c];
    // One exp per element: rescale the sum only when the max moves.
    if (v > m) { s = s * exp(m - v) + 1.0; m = v; } else { s += exp(v - m); }
  }
  redMax[lid] = m;
  redSum[lid] = s;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) {
      let m1 = redMax[lid];
      let m2 = redMax[lid + stride];
      let mm = max(m1, m2);
      redSum[lid] = redSum[lid] * exp(m1 - mm) + redSum[lid + stride] * exp(m2 - mm);
      redMax[lid] = mm;
    }
    workgroupBarrier();
  }
  let rowMax = redMax[lid - t];
  let inv = 1.0 / redSum[lid - t];
  for (var c = t; c < n; c += TPR) {
    y[base + c] = exp(x[base + c] - rowMax) * inv;
  }
}
