// Fused softmax cross-entropy, forward: per row t of logits (N, V)
//   lse[t]    = log Σ_v exp(logits[t, v])           (saved for the backward)
//   losses[t] = lse[t] − logits[t, targets[t]],  or 0 when the target is ignored.
// A target is ignored when it is outside [0, V) — the convention is −1.
// Each lane keeps an online (max, sum of exp(x − max)) over its packs; the row max is reduced,
// the lane sums rescaled to it and reduced (fixed order: deterministic, one exp per logit).
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header; the host picks
// a workgroup per row for long rows on GPUs).
// Bindings: @0 params {N, V}, @1 logits (N, V) as packs, @2 targets (N) i32, @3 losses (N) rw,
// @4 lse (N) rw. (The width prelude's pack type is `V`; the vocabulary size is p.V.)
struct Params { N: u32, V: u32 }

// A finite "minus infinity": WGSL lets compilers assume no infinities, and (−inf) − (−inf) is NaN.
const LOWEST: f32 = -3.4028234e38;
const BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<V>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reductions.
  let n = select(0u, p.V / W, row < p.N);
  let base = row * (p.V / W);
  var m = LOWEST;
  var s = 0.0;
  var c = lane;
  while (c < n) {
    // Blocks of BLOCK packs per lane, summed apart and then added: one running f32 sum over a
    // 50257-wide row would lose small terms against the large total (~sqrt(n) ulps or worse).
    var blk = 0.0;
    let end = min(n, c + lanes * BLOCK);
    for (; c < end; c += lanes) {
      let v = logits[base + c];
      // Rescale the sums only when the max moves.
      let vm = hmax(v);
      if (vm > m) {
        let f = exp(m - vm);
        s *= f;
        blk *= f;
        m = vm;
      }
      blk += hsum(exp(v - m));
    }
    s += blk;
  }
  let mx = rowMax(0u, m);
  let total = rowSum(1u, s * exp(m - mx));
  if (lane == 0u && n > 0u) {
    let l = mx + log(total);
    lse[row] = l;
    let t = targets[row];
    var loss = 0.0;
    if (t >= 0 && u32(t) < p.V) { loss = l - elem(logits[base + u32(t) / W], u32(t) % W); }
    losses[row] = loss;
  }
}
