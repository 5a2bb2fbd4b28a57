// PPO rollout rewards and generalized advantage estimation (GAE), one thread per sequence.
// Rows b·T .. b·T + T − 1 are sequence b; row t is a response token when targets[t] is in [0, V)
// (its action is the target token, sampled after reading tokens 0..t). Walking the response tokens
// backwards from the last one:
//   kl_t    = log π_old − log π_ref = refNll[t] − oldNll[t]
//   r_t     = −klCoef · kl_t  (+ clamp(scores[b], −scoreClip, scoreClip) on the last response token)
//   δ_t     = r_t + γ·V_next − V_t          (V_next = 0 after the last token: the episode ends)
//   A_t     = δ_t + γ·λ·A_next,  R_t = A_t + V_t
// adv and returns are 0 on other rows. Ignored rows inside a response are skipped (the next
// response token counts as the next step).
// Bindings: @0 params, @1 targets (B·T) i32, @2 oldNll (B·T), @3 refNll (B·T), @4 values (B·T),
//   @5 scores (B), @6 adv (B·T) out, @7 returns (B·T) out
// Dispatch: ceil(B / 64) workgroups of 64 in x (B is a count of sequences, far below the limit).
struct Params { B: u32, T: u32, V: u32, gamma: f32, lambda: f32, klCoef: f32, scoreClip: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> oldNll: array<f32>;
@group(0) @binding(3) var<storage, read> refNll: array<f32>;
@group(0) @binding(4) var<storage, read> values: array<f32>;
@group(0) @binding(5) var<storage, read> scores: array<f32>;
@group(0) @binding(6) var<storage, read_write> adv: array<f32>;
@group(0) @binding(7) var<storage, read_write> returns: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = gid.x;
  if (b >= p.B) { return; }
  var nextV = 0.0;
  var nextA = 0.0;
  var last = true;
  for (var s = 0u; s < p.T; s++) {
    let i = b * p.T + (p.T - 1u - s);
    let tgt = targets[i];
    if (tgt < 0 || u32(tgt) >= p.V) {
      adv[i] = 0.0;
      returns[i] = 0.0;
      continue;
    }
    var r = -p.klCoef * (refNll[i] - oldNll[i]);
    if (last) {
      r += clamp(scores[b], -p.scoreClip, p.scoreClip);
      last = false;
    }
    let v = values[i];
    let a = r + p.gamma * nextV - v + p.gamma * p.lambda * nextA;
    adv[i] = a;
    returns[i] = a + v;
    nextV = v;
    nextA = a;
  }
}
