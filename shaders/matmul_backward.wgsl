// Bias gradient of a linear layer: db (N) += Σ_m dy (M, N)[m, :], a deterministic column reduction
// (fixed summation order, no atomics). The weight and input gradients are matmuls and use
// matmul_forward.wgsl with transposes; this is the one piece of the backward that is not a matmul.
// Each workgroup owns 64 columns; its 4 row slices sum rows r, r+4, r+8, … and are then added in
// slice order through workgroup memory.
// Bindings: @0 params, @1 dy (M·N), @2 db (N) read_write.
// Dispatch: (ceil(N / 64)) workgroups of (64, 4).
struct Params { M: u32, N: u32 }

const COLS = 64u;
const SLICES = 4u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

var<workgroup> partial: array<f32, 256>;  // [slice][column]

@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = wid.x * COLS + lid.x;
  var s = 0.0;
  if (n < p.N) {
    for (var m = lid.y; m < p.M; m += SLICES) { s += dy[m * p.N + n]; }
  }
  partial[lid.y * COLS + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && n < p.N) {
    db[n] = db[n] + ((partial[lid.x] + partial[COLS + lid.x]) + (partial[2u * COLS + lid.x] + partial[3u * COLS + lid.x]));
  }
}
