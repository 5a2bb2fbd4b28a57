// Fused causal attention backward, pass 1 of 2: dQ (FlashAttention-2 style, grouped-query heads).
// For query head h, row t, with P = exp(q_t·Kᵀ·scale − lse_t) recomputed tile by tile:
//   D_t = dO_t · O_t,  dS_tj = P_tj (dO_t · v_j − D_t),  dq_t = scale · Σ_{j ≤ t} dS_tj k_j.
// Writes the q part of dqkv; attention_backward_dkv.wgsl writes the k and v parts.
// Scores are in base 2 (q pre-multiplied by scale·log2(e), lse by log2(e)), as in the forward.
// Bindings: @0 params, @1 qkv (B, T, (nHead + 2·nKvHead)·hd) as vec4, @2 out (B, T, nHead·hd) as vec4,
//           @3 lse (B, nHead, T), @4 dout (B, T, nHead·hd) as vec4, @5 dqkv (like qkv) as vec4
// Overrides: HD4 = hd / 4 (≤ 32), BR = query rows per workgroup (one thread each), BC = keys per tile
//            (a multiple of 4). Keys are processed in blocks of 4, as in the forward.
// Dispatch: B·nHead·ceil(T / BR) workgroups of BR threads, split 2-D; linear group
//           g = wid.x + wid.y·nwg.x → (b, h, query tile), latest (heaviest) tiles first.
struct Params { B: u32, T: u32, nHead: u32, nKvHead: u32, scaleLog2: f32, scale: f32 }

override HD4: u32 = 16u;
override BR: u32 = 64u;
override BC: u32 = 32u;
const MAX_HD4 = 32u;
const LOG2E = 1.4426950408889634;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read> out: array<vec4f>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<vec4f>;

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
  let tc = min(t, p.T - 1u);
  let qBase = (b * p.T + tc) * row4 + h * HD4;
  let oBase = (b * p.T + tc) * p.nHead * HD4 + h * HD4;
  let kBase = b * p.T * row4 + (p.nHead + kvh) * HD4;
  let vBase = kBase + p.nKvHead * HD4;

  var q: array<vec4f, MAX_HD4>;
  var dO: array<vec4f, MAX_HD4>;
  var dq: array<vec4f, MAX_HD4>;
  var D = 0.0;
  for (var d = 0u; d < HD4; d++) {
    q[d] = qkv[qBase + d] * p.scaleLog2;
    dO[d] = dout[oBase + d];
    dq[d] = vec4f(0.0);
    D += dot(dO[d], out[oBase + d]);
  }
  let lse2 = lse[(b * p.nHead + h) * p.T + tc] * LOG2E;

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
      let n = min(BC, t - k0 + 1u);
      for (var cb = 0u; cb < (n + 3u) / 4u; cb++) {
        let c = cb * 4u * HD4;
        var s = vec4f(0.0);
        var dp = vec4f(0.0);
        for (var d = 0u; d < HD4; d++) {
          let qd = q[d];
          let od = dO[d];
          s += vec4f(dot(qd, sK[c + d]), dot(qd, sK[c + HD4 + d]), dot(qd, sK[c + 2u * HD4 + d]), dot(qd, sK[c + 3u * HD4 + d]));
          dp += vec4f(dot(od, sV[c + d]), dot(od, sV[c + HD4 + d]), dot(od, sV[c + 2u * HD4 + d]), dot(od, sV[c + 3u * HD4 + d]));
        }
        // Keys past t (the rest of the last block of 4) get probability 0.
        let pr = select(exp2(s - lse2), vec4f(0.0), cb * 4u + vec4u(0u, 1u, 2u, 3u) >= vec4u(n));
        let ds = pr * (dp - D);
        for (var d = 0u; d < HD4; d++) {
          dq[d] += ds.x * sK[c + d] + ds.y * sK[c + HD4 + d] + ds.z * sK[c + 2u * HD4 + d] + ds.w * sK[c + 3u * HD4 + d];
        }
      }
    }
    workgroupBarrier();
  }

  if (inRange) {
    for (var d = 0u; d < HD4; d++) { dqkv[qBase + d] = dq[d] * p.scale; }
  }
}
