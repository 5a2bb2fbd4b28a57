// Fused softmax cross-entropy, forward: per row t of logits (N, V)
//   lse[t]    = log Σ_v exp(logits[t, v])           (saved for the backward)
//   losses[t] = lse[t] − logits[t, targets[t]],  or 0 when the target is ignored.
// A target is ignored when it is outside [0, V) — the convention is −1.
// One workgroup of 64 per row (64, not 256: SwiftShader barriers are far costlier in wide groups):
// each thread keeps an online (max, sum of exp(x − max)) over the columns lid, lid + 64, ...,
// then a fixed-order tree merges the pairs (deterministic, one exp per logit).
// Bindings: @0 params, @1 logits (N, V) read, @2 targets (N) i32, @3 losses (N) rw, @4 lse (N) rw
// Dispatch: N workgroups of 64, split 2-D; row = wid.x + wid.y * nwg.x.
struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;

const WG = 64u;
// A finite "minus infinity": WGSL lets compilers assume no infinities, and (−inf) − (−inf) is NaN.
const LOWEST = -3.4028234e38;
var<workgroup> maxes: array<f32, WG>;
var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.N) { return; }
  let base = row * p.V;
  var mx = LOWEST;
  var s = 0.0;
  for (var c = lid; c < p.V; c += WG) {
    let x = logits[base + c];
    if (x > mx) {
      s = s * exp(mx - x) + 1.0;
      mx = x;
    } else {
      s += exp(x - mx);
    }
  }
  maxes[lid] = mx;
  sums[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      let m1 = maxes[lid];
      let m2 = maxes[lid + k];
      let m = max(m1, m2);
      sums[lid] = sums[lid] * exp(m1 - m) + sums[lid + k] * exp(m2 - m);
      maxes[lid] = m;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let l = maxes[0] + log(sums[0]);
    lse[row] = l;
    let t = targets[row];
    var loss = 0.0;
    if (t >= 0 && u32(t) < p.V) { loss = l - logits[base + u32(t)]; }
    losses[row] = loss;
  }
}
