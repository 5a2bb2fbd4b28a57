// Backward of row softmax from its output: dx = y ∘ (dy − rowsum(dy ∘ y)). dx is overwritten.
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header).
// Bindings: @0 params {rows, cols}, @1 y (rows, cols), @2 dy (rows, cols), @3 dx (rows, cols);
// all as V packs.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<V>;
@group(0) @binding(2) var<storage, read> dy: array<V>;
@group(0) @binding(3) var<storage, read_write> dx: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reduction.
  let n = select(0u, p.cols / W, row < p.rows);
  let base = row * (p.cols / W);

  var s = V(0.0);
  for (var c = lane; c < n; c += lanes) { s += dy[base + c] * y[base + c]; }
  let dot = rowSum(0u, hsum(s));
  for (var c = lane; c < n; c += lanes) {
    dx[base + c] = y[base + c] * (dy[base + c] - dot);
  }
}
