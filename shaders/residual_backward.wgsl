// Backward of out = a + alpha * b given dout: da += dout, db += alpha * dout, in place.
// Accumulates (+=) because the residual stream's gradient also flows from other branches;
// the caller clears da / db at the start of a step.
// Bindings: @0 params, @1 dout (n), @2 da (n), @3 db (n)
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { n: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read_write> da: array<f32>;
@group(0) @binding(3) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  let g = dout[i];
  da[i] = da[i] + g;
  db[i] = db[i] + p.alpha * g;
}
