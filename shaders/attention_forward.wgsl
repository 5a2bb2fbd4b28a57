// Fused causal multi-head attention, forward (FlashAttention-2 style, grouped-query heads).
// For query head h of batch b, row t: out = softmax(q_t · K[0..t]ᵀ · scale) · V[0..t], with
// scale = 1/sqrt(hd) and K, V from kv head h / (nHead / nKvHead); lse[t] = logsumexp of the scaled
// scores, saved for the backward. Keys stream through workgroup memory in tiles of BC with an
// online softmax, so no T×T score matrix exists anywhere.
// Scores are kept in base 2 (q is pre-multiplied by scale·log2(e)) so each exponential is one exp2.
// Bindings: @0 params, @1 qkv (B, T, (nHead + 2·nKvHead)·hd) as vec4, @2 out (B, T, nHead·hd) as vec4,
//           @3 lse (B, nHead, T)
// Overrides: HD4 = hd / 4 (≤ 32), BR = query rows per workgroup (one thread each), BC = keys per tile
//            (a multiple of 4, ≤ 64). Keys are processed in blocks of 4, so each access to a thread's
//            q / o registers serves four keys.
// Dispatch: B·nHead·ceil(T / BR) workgroups of BR threads, split 2-D; linear group
//           g = wid.x + wid.y·nwg.x → (b, h, query tile), latest (heaviest) tiles first.
struct Params { B: u32, T: u32, nHead: u32, nKvHead: u32, scaleLog2: f32 }

override HD4: u32 = 16u;
override BR: u32 = 64u;
override BC: u32 = 32u;
// Per-thread register arrays need constant sizes: the largest supported head dim and key tile.
const MAX_HD4 = 32u;
const MAX_BC = 64u;
const LN2 = 0.6931471805599453;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;

var<workgroup> sK: array<vec4f, BC * HD4>;
var<workgroup> sV: array<vec4f, BC * HD4>;

@compute @workgroup_size(BR)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let nTiles = (p.T + BR - 1u) / BR;
  let g = wid.x + wid.y * nwg.x;
  if (g >= p.B * p.nHead * nTiles) { return; }
  let tile = nTiles - 1u - g % nTiles;
  let h = (g / nTiles) % p.nHead;
  let b = g / (nTiles * p.nHead);
  let kvh = h / (p.nHead / p.nKvHead);
  let row4 = (p.nHead + 2u * p.nKvHead) * HD4;
  let q0 = tile * BR;
  let t = q0 + lid;
  let inRange = t < p.T;
  // Threads past the end still load tiles and meet the barriers; they read a valid row and write nothing.
  // Keys past T are stored as zeros, so the masked tail of the last block multiplies zeros, not leftovers.
  let qBase = (b * p.T + min(t, p.T - 1u)) * row4 + h * HD4;
  let kBase = b * p.T * row4 + (p.nHead + kvh) * HD4;
  let vBase = kBase + p.nKvHead * HD4;

  var q: array<vec4f, MAX_HD4>;
  var o: array<vec4f, MAX_HD4>;
  var s: array<vec4f, MAX_BC / 4u>;
  for (var d = 0u; d < HD4; d++) {
    q[d] = qkv[qBase + d] * p.scaleLog2;
    o[d] = vec4f(0.0);
  }
  var m = -1e30;
  var l = 0.0;

  let keyEnd = min(q0 + BR, p.T);
  for (var k0 = 0u; k0 < keyEnd; k0 += BC) {
    for (var i = lid; i < BC * HD4; i += BR) {
      let j = k0 + i / HD4;
      let d = i % HD4;
      var kv = vec4f(0.0);
      var vv = vec4f(0.0);
      if (j < p.T) {
        kv = qkv[kBase + j * row4 + d];
        vv = qkv[vBase + j * row4 + d];
      }
      sK[i] = kv;
      sV[i] = vv;
    }
    workgroupBarrier();
    if (inRange && t >= k0) {
      // Keys past t (the rest of the last block of 4) get score -1e30, hence probability 0.
      let n = min(BC, t - k0 + 1u);
      let nb = (n + 3u) / 4u;
      var mNew = m;
      for (var cb = 0u; cb < nb; cb++) {
        let c = cb * 4u * HD4;
        var a = vec4f(0.0);
        for (var d = 0u; d < HD4; d++) {
          let qd = q[d];
          a += vec4f(dot(qd, sK[c + d]), dot(qd, sK[c + HD4 + d]), dot(qd, sK[c + 2u * HD4 + d]), dot(qd, sK[c + 3u * HD4 + d]));
        }
        a = select(a, vec4f(-1e30), cb * 4u + vec4u(0u, 1u, 2u, 3u) >= vec4u(n));
        s[cb] = a;
        mNew = max(mNew, max(max(a.x, a.y), max(a.z, a.w)));
      }
      let alpha = exp2(m - mNew);
      l *= alpha;
      for (var d = 0u; d < HD4; d++) { o[d] *= alpha; }
      for (var cb = 0u; cb < nb; cb++) {
        let c = cb * 4u * HD4;
        let pc = exp2(s[cb] - mNew);
        l += pc.x + pc.y + pc.z + pc.w;
        for (var d = 0u; d < HD4; d++) {
          o[d] += pc.x * sV[c + d] + pc.y * sV[c + HD4 + d] + pc.z * sV[c + 2u * HD4 + d] + pc.w * sV[c + 3u * HD4 + d];
        }
      }
      m = mNew;
    }
    workgroupBarrier();
  }

  if (inRange) {
    let inv = 1.0 / l;
    let oBase = (b * p.T + t) * p.nHead * HD4 + h * HD4;
    for (var d = 0u; d < HD4; d++) { out[oBase + d] = o[d] * inv; }
    lse[(b * p.nHead + h) * p.T + t] = (m + log2(l)) * LN2;
  }
}
