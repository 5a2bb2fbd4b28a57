// Direct preference optimisation (DPO) loss over P pairs and its gradient with respect to each
// token's loss (= −log π), in one workgroup. Sequence i < P is pair i's chosen response, sequence
// P + i its rejected one; logp / refLogp (2P) are the sequences' summed response log-probs under the
// policy and the frozen reference (rl_seq_logp.wgsl).
//   h_i = β·[(logp_c − ref_c) − (logp_r − ref_r)],   L = gradScale · (1/P) Σ_i softplus(−h_i)
//   rowGrad[t] = ∂L/∂losses[t] = ±gradScale·β·σ(−h_i)/P on the response rows of pair i's chosen (+)
//   and rejected (−) sequence (∂ logp/∂ losses[t] = −1), 0 on other rows.
// stats[statsOffset .. +4) = means over pairs of (softplus(−h), [h > 0] + ½[h = 0] (implicit reward
// accuracy), β(logp_c − ref_c), β(logp_r − ref_r)); the margin is the difference of the last two.
// Bindings: @0 params, @1 targets (2P·T) i32, @2 logp (2P), @3 refLogp (2P), @4 rowGrad (2P·T) out,
//   @5 stats (statsOffset + 4) read_write
// Dispatch: 1 workgroup of 64 (fixed partition and tree: bit-identical run to run).
struct Params { P: u32, T: u32, V: u32, beta: f32, gradScale: f32, statsOffset: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> logp: array<f32>;
@group(0) @binding(3) var<storage, read> refLogp: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowGrad: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;

const WG = 64u;
var<workgroup> sums: array<vec4f, WG>;

fn margin(i: u32) -> vec2f {
  return p.beta * vec2f(logp[i] - refLogp[i], logp[p.P + i] - refLogp[p.P + i]);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let inv = 1.0 / f32(max(p.P, 1u));
  var acc = vec4f(0.0);
  for (var i = lid; i < p.P; i += WG) {
    let r = margin(i);
    let h = r.x - r.y;
    let softplus = max(-h, 0.0) + log(1.0 + exp(-abs(h)));
    acc += vec4f(softplus, select(select(0.0, 0.5, h == 0.0), 1.0, h > 0.0), r.x, r.y);
  }
  let N = 2u * p.P * p.T;
  for (var t = lid; t < N; t += WG) {
    let tgt = targets[t];
    if (tgt < 0 || u32(tgt) >= p.V) { rowGrad[t] = 0.0; continue; }
    let s = t / p.T;
    let i = s % p.P;
    let r = margin(i);
    let g = p.gradScale * p.beta * inv / (1.0 + exp(r.x - r.y)); // β·σ(−h)/P
    rowGrad[t] = select(-g, g, s < p.P);
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { sums[lid] += sums[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let m = sums[0] * inv;
    for (var j = 0u; j < 4u; j++) { stats[p.statsOffset + j] = m[j]; }
  }
}
