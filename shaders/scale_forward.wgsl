// In-place scaling of a range: x[offset + i] *= alpha for i < n (e.g. gradient accumulation
// averaging). No backward: it is applied to gradients, outside the autograd graph.
// Bindings: @0 params, @1 x (offset + n) read_write
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { n: u32, offset: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  x[p.offset + i] *= p.alpha;
}
