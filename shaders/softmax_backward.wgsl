// Backward of row softmax from its output: dx = y ∘ (dy − rowsum(dy ∘ y)). dx is overwritten.
// Bindings: @0 params {rows, cols}, @1 y (rows, cols), @2 dy (rows, cols), @3 dx (rows, cols)
// Dispatch: workgroups of 256 threads, TPR threads per row (override: power of two ≤ 256), so
// 256 / TPR rows per workgroup; ceil(rows / (256 / TPR)) workgroups split 2-D,
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, cols: u32 }

override TPR: u32 = 256u;
const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR;
  let t = lid % TPR;
  // Threads of rows past the end see an empty row but still take part in the barriers.
  let n = select(0u, p.cols, row < p.rows);
  let base = row * p.cols;

  var s = 0.0;
  for (var c = t; c < n; c += TPR) { s += dy[base + c] * y[base + c]; }
  red[lid] = s;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  let dot = red[lid - t];
  for (var c = t; c < n; c += TPR) {
    dx[base + c] = y[base + c] * (dy[base + c] - dot);
  }
}
