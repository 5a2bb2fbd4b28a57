// Residual stream elementwise ops: out = a + alpha * b  (add: alpha = 1; axpy / accumulate).
// Also used with a == out for in-place accumulation (gradient sums across the residual branch).
// Bindings: @0 params, @1 a (n) read_write (may alias out's role), @2 b (n), @3 out (n)
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { n: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  out[i] = a[i] + p.alpha * b[i];
}
