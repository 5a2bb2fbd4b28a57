// Fused LM head + cross-entropy, forward fold: one vocabulary chunk of logits (rows, n) — columns
// [v0, v0 + n) of rows [r0, r0 + rows) — folded into each row's running (max, Σ exp(x − max)), so
// the full (B·T, V) logits never exist. The target's logit is picked up by the chunk that holds it.
// Running state between chunks (global row g = r0 + row):
//   lse[g]     running max            → on the last chunk: log Σ_v exp(logits[g, v])
//   runSum[g]  Σ exp(x − running max)   (unused after the last chunk)
//   losses[g]  the target's logit       → on the last chunk: lse − logit, 0 for an ignored target
// Targets outside [0, V) (the convention is −1) are ignored. Within a chunk each lane keeps an
// online (max, sum) over blocks of BLOCK packs (as crossentropy_forward.wgsl, for accuracy), then
// the row is reduced and merged with the running state: fixed order, deterministic.
// A row-kernel body (composition and dispatch: see reduce_rows_thread.wgsl).
// Bindings: @0 params, @1 logits chunk (rows, n) as packs, @2 targets (all rows) i32,
//   @3 losses rw, @4 lse rw, @5 runSum rw (all rows).
struct Params { rows: u32, n: u32, v0: u32, r0: u32, V: u32, first: u32, last: u32 }

// A finite "minus infinity": WGSL lets compilers assume no infinities, and (−inf) − (−inf) is NaN.
const LOWEST: f32 = -3.4028234e38;
const BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<V>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<storage, read_write> runSum: array<f32>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reductions.
  let n = select(0u, p.n / W, row < p.rows);
  let base = row * (p.n / W);
  var m = LOWEST;
  var s = 0.0;
  var c = lane;
  while (c < n) {
    var blk = 0.0;
    let end = min(n, c + lanes * BLOCK);
    for (; c < end; c += lanes) {
      let v = logits[base + c];
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
  if (lane != 0u || n == 0u) { return; }
  let g = p.r0 + row;
  var runMax = mx;
  var sum = total;
  var picked = 0.0;
  if (p.first == 0u) {
    let before = lse[g];
    runMax = max(before, mx);
    sum = runSum[g] * exp(before - runMax) + total * exp(mx - runMax);
    picked = losses[g];
  }
  let t = targets[g];
  let counted = t >= 0 && u32(t) < p.V;
  if (counted && u32(t) >= p.v0 && u32(t) < p.v0 + p.n) {
    let k = u32(t) - p.v0;
    picked = elem(logits[base + k / W], k % W);
  }
  if (p.last == 1u) {
    let l = runMax + log(sum);
    lse[g] = l;
    losses[g] = select(0.0, l - picked, counted);
  } else {
    lse[g] = runMax;
    runSum[g] = sum;
    losses[g] = picked;
  }
}
