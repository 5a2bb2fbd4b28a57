// SwiGLU backward: for y = silu(g) · u with x (rows, 2H) = [g | u],
//   dg = dy · u · σ(g) · (1 + g · (1 − σ(g))),  du = dy · g · σ(g).   dx (rows, 2H) is overwritten.
// Bindings: @0 params {rows, H}, @1 x (rows, 2H), @2 dy (rows, H), @3 dx (rows, 2H)
// Dispatch: ceil(rows · H / 256) workgroups of 256, one thread per (row, j) pair, split 2-D;
// linear group = wid.x + wid.y * nwg.x.
struct Params { rows: u32, H: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.rows * p.H) { return; }
  let row = i / p.H;
  let gi = i + row * p.H; // row * 2H + (i − row * H)
  let g = x[gi];
  let u = x[gi + p.H];
  let e = exp(-abs(g));
  let inv = 1.0 / (1.0 + e);
  let sig = select(e, 1.0, g >= 0.0) * inv;
  let oneMinusSig = select(1.0, e, g >= 0.0) * inv;
  let d = dy[i];
  dx[gi] = d * u * sig * (1.0 + g * oneMinusSig);
  dx[gi + p.H] = d * g * sig;
}
