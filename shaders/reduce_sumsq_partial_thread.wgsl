// Stage 1 of a deterministic sum of squares over x[offset, offset + n) (in packs of W floats), for
// CPU adapters: invocation i of `threads` sums the squares of packs i, i + threads, ... in order
// and writes its own partial. No workgroup memory and no barriers: on SwiftShader and llvmpipe an
// invocation is a SIMD lane and a barrier a coroutine switch, so a few long-running lanes are the
// cheapest reduction. The partition depends only on n and `threads`: bit-identical run to run.
// Composed after a width prelude (reduce_rows_vec4.wgsl when offset and n are multiples of 4).
// Bindings: @0 params {n, offset (packs), partialBase, threads}, @1 x (offset + n packs) read,
// @2 partials (partialBase + threads) read_write
// Dispatch: ceil(threads / 64) workgroups of 64 in x only (the caller keeps threads ≤ 256).
struct Params { n: u32, offset: u32, partialBase: u32, threads: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= p.threads) { return; }
  // Blocks of 64 steps summed apart, then added: a lane may take thousands of terms, and one
  // running f32 sum would lose ~sqrt(terms) ulps.
  var s = 0.0;
  var i = t;
  while (i < p.n) {
    var blk = V(0.0);
    let end = min(p.n, i + p.threads * 64u);
    for (; i < end; i += p.threads) {
      let v = x[p.offset + i];
      blk += v * v;
    }
    s += hsum(blk);
  }
  partials[p.partialBase + t] = s;
}
