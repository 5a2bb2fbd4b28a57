// Row softmax, numerically stable: y[r, c] = exp(x[r, c] - max_r) / sum_c' exp(x[r, c'] - max_r).
// Each lane keeps a running (max, sum) over its packs (online softmax: x is read twice, not three
// times); the row max is reduced first and each lane's sum rescaled to it before the sum is
// reduced. Fixed-order reductions, so results are repeatable.
// A row-kernel body (composition and dispatch: see layernorm_forward.wgsl's header).
// Bindings: @0 params {rows, cols}, @1 x (rows, cols), @2 y (rows, cols); x, y as V packs.
struct Params { rows: u32, cols: u32 }

// Start of every running max: finite, so an empty lane never computes inf - inf.
const LOWEST: f32 = -3.4028234e38;
const BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> y: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  // Lanes of rows past the end see an empty row but still take part in the reductions.
  let n = select(0u, p.cols / W, row < p.rows);
  let base = row * (p.cols / W);

  var m = LOWEST;
  var s = 0.0;
  var c = lane;
  while (c < n) {
    // Blocks of BLOCK packs per lane, summed apart and then added: one running f32 sum over a
    // 50257-wide row would lose small terms against the large total (~sqrt(n) ulps or worse).
    var blk = 0.0;
    let end = min(n, c + lanes * BLOCK);
    for (; c < end; c += lanes) {
      let v = x[base + c];
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
  let inv = 1.0 / rowSum(1u, s * exp(m - mx));
  for (var c = lane; c < n; c += lanes) {
    y[base + c] = exp(x[base + c] - mx) * inv;
  }
}
