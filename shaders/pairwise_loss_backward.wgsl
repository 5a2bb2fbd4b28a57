// Bradley–Terry pairwise loss, backward: the gradient of mean_p softplus(−m_p) (times gradScale)
// with respect to every value of the (2P, T) batch. It is nonzero only at each row's last token:
//   ∂/∂r_c = −gradScale/P · σ(−m),  ∂/∂r_r = +gradScale/P · σ(−m),  m = r_c − r_r
// with σ(−m) from z = exp(−|m|): z/(1+z) for m ≥ 0, 1/(1+z) for m < 0 (no overflow).
// Every element of dValues (2P·T) is written (zeros elsewhere), so no clear is needed.
// Bindings: @0 params {P, T, gradScale}, @1 values (2P·T), @2 last (2P) i32, @3 dValues (2P·T) rw
// Dispatch: ceil(2P·T / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params { P: u32, T: u32, gradScale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> last: array<i32>;
@group(0) @binding(3) var<storage, read_write> dValues: array<f32>;

fn lastOf(row: u32) -> u32 {
  return min(u32(max(last[row], 0)), p.T - 1u);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= 2u * p.P * p.T) { return; }
  let row = i / p.T;
  if (i % p.T != lastOf(row)) {
    dValues[i] = 0.0;
    return;
  }
  let pair = row / 2u;
  let rc = values[2u * pair * p.T + lastOf(2u * pair)];
  let rr = values[(2u * pair + 1u) * p.T + lastOf(2u * pair + 1u)];
  let margin = rc - rr;
  let z = exp(-abs(margin));
  let sigNeg = select(1.0 / (1.0 + z), z / (1.0 + z), margin >= 0.0);
  let g = p.gradScale / f32(p.P) * sigNeg;
  dValues[i] = select(g, -g, row % 2u == 0u);
}
