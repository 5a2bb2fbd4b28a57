// PPO's clipped value loss and its gradient with respect to each value, in one workgroup.
// Per response token t (targets[t] in [0, V)), with v = values[t], v_old = oldValues[t], R = returns[t]:
//   v_clip = v_old + clamp(v − v_old, −clip, clip)
//   L      = gradScale · coef · (1/n) Σ_t ½·max((v − R)², (v_clip − R)²)
//   dValues[t] = ∂L/∂v = gradScale·coef/n · ((v − R) if the unclipped term is the max, else
//                (v_clip − R)·[|v − v_old| < clip])
// dValues is 0 on ignored rows. stats[statsOffset .. +2) = means over response tokens of
//   (½·max(...), clipped fraction [clipped term strictly larger])   (0 when n = 0).
// Bindings: @0 params, @1 values (N), @2 targets (N) i32, @3 oldValues (N), @4 returns (N),
//   @5 dValues (N) out, @6 stats (statsOffset + 2) read_write
// Dispatch: 1 workgroup of 64, fixed partition and tree (bit-identical run to run).
struct Params { N: u32, V: u32, clip: f32, coef: f32, gradScale: f32, statsOffset: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> oldValues: array<f32>;
@group(0) @binding(4) var<storage, read> returns: array<f32>;
@group(0) @binding(5) var<storage, read_write> dValues: array<f32>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;

// WG, counts, counted() and responseTokens() come from rl_response_tokens.wgsl (prepended).
var<workgroup> sums: array<vec2f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let n = responseTokens(lid);
  let inv = select(0.0, 1.0 / f32(n), n > 0u);

  var acc = vec2f(0.0);
  for (var r = lid; r < p.N; r += WG) {
    if (!counted(r)) { dValues[r] = 0.0; continue; }
    let v = values[r];
    let vOld = oldValues[r];
    let R = returns[r];
    let dv = v - vOld;
    let vClip = vOld + clamp(dv, -p.clip, p.clip);
    let e1 = v - R;
    let e2 = vClip - R;
    let l1 = e1 * e1;
    let l2 = e2 * e2;
    let g = select(select(0.0, e2, abs(dv) < p.clip), e1, l1 >= l2);
    dValues[r] = p.gradScale * p.coef * inv * g;
    acc += vec2f(0.5 * max(l1, l2), select(0.0, 1.0, l2 > l1));
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { sums[lid] += sums[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let m = sums[0] * inv;
    stats[p.statsOffset] = m.x;
    stats[p.statsOffset + 1u] = m.y;
  }
}
