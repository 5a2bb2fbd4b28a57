// GELU, tanh form: y = 0.5 · x · (1 + tanh(u)), u = √(2/π) · (x + 0.044715 · x³).
// Written as y = x · σ(2u) (the same function: 1 + tanh(u) = 2σ(2u)), with σ built from
// e = exp(−2|u|) ≤ 1: no tanh builtin (some implementations return NaN for large arguments),
// no overflow, and no cancellation in 1 + tanh(u) for large negative x.
// Bindings: @0 params {n}, @1 x (n), @2 y (n)
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { n: u32 }

const K: f32 = 0.7978845608028654; // √(2/π)
const A: f32 = 0.044715;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  let u = K * v * (1.0 + A * v * v);
  // exp(−80) is still a normal f32; beyond that σ is 0 or 1 to f32 precision anyway.
  let e = exp(-min(2.0 * abs(u), 80.0));
  let s = select(e, 1.0, u >= 0.0) / (1.0 + e); // σ(2u)
  y[i] = v * s;
}
