// GELU (tanh form) backward: dx = dy · d/dx[x · σ(2u)], u = √(2/π) · (x + 0.044715 · x³),
//   d/dx = σ(2u) + x · 2σ(2u)(1 − σ(2u)) · √(2/π) · (1 + 3 · 0.044715 · x²),
// with σ(2u)(1 − σ(2u)) = e / (1 + e)², e = exp(−2|u|): exact for either sign, never overflows.
// dx is overwritten.
// Bindings: @0 params {n}, @1 x (n), @2 dy (n), @3 dx (n)
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { n: u32 }

const K: f32 = 0.7978845608028654; // √(2/π)
const A: f32 = 0.044715;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  let v2 = v * v;
  let u = K * v * (1.0 + A * v2);
  let e = exp(-min(2.0 * abs(u), 80.0));
  let inv = 1.0 / (1.0 + e);
  let s = select(e, 1.0, u >= 0.0) * inv; // σ(2u)
  let ds = 2.0 * e * inv * inv;           // 2σ(2u)(1 − σ(2u))
  dx[i] = dy[i] * (s + v * ds * K * (1.0 + 3.0 * A * v2));
}
