// Bradley–Terry pairwise loss of a reward model, forward. Pair p is rows 2p (chosen) and 2p + 1
// (rejected) of a (2P, T) batch; a row's reward is the scalar head's value at its last real token:
//   r_c = values[2p·T + last[2p]],  r_r = values[(2p+1)·T + last[2p+1]],  m = r_c − r_r
//   loss_p = −log σ(m) = softplus(−m) = max(−m, 0) + log(1 + exp(−|m|))   (no overflow for any m)
//   correct_p = 1 if m > 0 else 0 (a tie counts as wrong)
// Outputs: stats (P, 4) = [r_c, r_r, loss_p, correct_p] for metrics; summary (4) = [mean loss,
// accuracy, mean margin, P]. A last index outside [0, T) is clamped (the caller validates it).
// Bindings: @0 params {P, T}, @1 values (2P·T), @2 last (2P) i32, @3 stats (4P) rw, @4 summary (4) rw
// Dispatch: 1 workgroup of 64 (P is pairs per batch, small). Thread lid takes pairs lid, lid + 64,
// ... and a fixed tree combines them, so the summary is bit-identical run to run.
struct Params { P: u32, T: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> last: array<i32>;
@group(0) @binding(3) var<storage, read_write> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> summary: array<f32>;

const WG = 64u;
var<workgroup> lossSum: array<f32, WG>;
var<workgroup> correctSum: array<f32, WG>;
var<workgroup> marginSum: array<f32, WG>;

fn reward(row: u32) -> f32 {
  let t = min(u32(max(last[row], 0)), p.T - 1u);
  return values[row * p.T + t];
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var l = 0.0;
  var c = 0.0;
  var m = 0.0;
  for (var i = lid; i < p.P; i += WG) {
    let rc = reward(2u * i);
    let rr = reward(2u * i + 1u);
    let margin = rc - rr;
    let loss = max(-margin, 0.0) + log(1.0 + exp(-abs(margin)));
    let correct = select(0.0, 1.0, margin > 0.0);
    stats[4u * i] = rc;
    stats[4u * i + 1u] = rr;
    stats[4u * i + 2u] = loss;
    stats[4u * i + 3u] = correct;
    l += loss;
    c += correct;
    m += margin;
  }
  lossSum[lid] = l;
  correctSum[lid] = c;
  marginSum[lid] = m;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      lossSum[lid] += lossSum[lid + k];
      correctSum[lid] += correctSum[lid + k];
      marginSum[lid] += marginSum[lid + k];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let n = f32(max(p.P, 1u));
    summary[0] = lossSum[0] / n;
    summary[1] = correctSum[0] / n;
    summary[2] = marginSum[0] / n;
    summary[3] = f32(p.P);
  }
}
