// Clipped policy-ratio loss (PPO / GRPO) with an optional k3 KL penalty to a reference, and its
// gradient with respect to each token's loss (= −log π), all in one workgroup, no readback.
// Per response token t (targets[t] in [0, V)), with logp = −losses[t], old = −oldNll[t], ref = −refNll[t]:
//   ratio = exp(logp − old)
//   pg_t  = max(−A·ratio, −A·clamp(ratio, 1 − clip, 1 + clip))
//   k3_t  = exp(ref − logp) − (ref − logp) − 1                 (Schulman's unbiased, ≥ 0 KL estimator)
//   L     = gradScale · (1/n) Σ_t (pg_t + klCoef · k3_t)       (n = number of response tokens)
//   rowGrad[t] = ∂L/∂losses[t] = gradScale/n · (A·ratio·[unclipped term is the max] + klCoef·(exp(ref − logp) − 1))
// rowGrad is 0 on ignored rows. stats[statsOffset .. +4) = means over response tokens of
//   (pg, k3, clipped fraction [clipped term strictly larger], ½(logp − old)²)  (0 when n = 0).
// Ties of the max go to the unclipped term (inside the clip range both have the same gradient).
// Bindings: @0 params, @1 losses (N), @2 targets (N) i32, @3 oldNll (N), @4 advantages (N),
//   @5 refNll (N) (unread when klCoef = 0), @6 rowGrad (N) out, @7 stats (statsOffset + 4) read_write
// Dispatch: 1 workgroup of 64. Each thread takes rows lid, lid + 64, ... and partial sums meet in a
// fixed tree, so results are bit-identical run to run (no atomics). N is a token count (mb·T).
struct Params { N: u32, V: u32, clip: f32, klCoef: f32, gradScale: f32, statsOffset: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> losses: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> oldNll: array<f32>;
@group(0) @binding(4) var<storage, read> adv: array<f32>;
@group(0) @binding(5) var<storage, read> refNll: array<f32>;
@group(0) @binding(6) var<storage, read_write> rowGrad: array<f32>;
@group(0) @binding(7) var<storage, read_write> stats: array<f32>;

// WG, counts, counted() and responseTokens() come from rl_response_tokens.wgsl (prepended).
var<workgroup> sums: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let n = responseTokens(lid);
  let inv = select(0.0, 1.0 / f32(n), n > 0u);

  var acc = vec4f(0.0);
  for (var r = lid; r < p.N; r += WG) {
    if (!counted(r)) { rowGrad[r] = 0.0; continue; }
    let logp = -losses[r];
    let a = adv[r];
    let dOld = logp + oldNll[r];
    let ratio = exp(dOld);
    let pg1 = -a * ratio;
    let pg2 = -a * clamp(ratio, 1.0 - p.clip, 1.0 + p.clip);
    var g = select(0.0, a * ratio, pg1 >= pg2);
    var k3 = 0.0;
    if (p.klCoef != 0.0) {
      let d = logp - (-refNll[r]); // log π − log π_ref
      let e = exp(-d);
      k3 = e + d - 1.0;
      g += p.klCoef * (e - 1.0);
    }
    rowGrad[r] = p.gradScale * inv * g;
    acc += vec4f(max(pg1, pg2), k3, select(0.0, 1.0, pg2 > pg1), 0.5 * dOld * dOld);
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { sums[lid] += sums[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let m = sums[0] * inv;
    for (var i = 0u; i < 4u; i++) { stats[p.statsOffset + i] = m[i]; }
  }
}
