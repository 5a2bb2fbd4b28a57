// Fused causal attention backward, pass 2 of 2: dK and dV (FlashAttention-2 style, grouped-query heads).
// For kv head kh and key j, summing over the group's query heads h and query rows t ≥ j:
//   dv_j = Σ P_tj dO_t,  dk_j = scale · Σ dS_tj q_t,  with P_tj = exp(q_t·k_j·scale − lse_t),
//   dS_tj = P_tj (dO_t · v_j − D_t),  D_t = dO_t · O_t.
// Each thread owns one key and sums in a fixed order (heads, then rows): deterministic, no atomics.
// D_t is recomputed here from dO and O rather than stored, so the backward needs no scratch buffer.
// Writes the k and v parts of dqkv; attention_backward.wgsl writes the q part.
// Scores are in base 2 (k pre-multiplied by scale·log2(e), lse by log2(e)), as in the forward.
// Bindings: @0 params, @1 qkv (B, T, (nHead + 2·nKvHead)·hd) as vec4, @2 out (B, T, nHead·hd) as vec4,
//           @3 lse (B, nHead, T), @4 dout (B, T, nHead·hd) as vec4, @5 dqkv (like qkv) as vec4
// Overrides: HD4 = hd / 4 (≤ 32), BK = keys per workgroup (one thread each), BQ = query rows per tile
//            (a multiple of 4). Query rows are processed in blocks of 4, as keys are in the forward.
// Dispatch: B·nKvHead·ceil(T / BK) workgroups of BK threads, split 2-D; linear group
//           g = wid.x + wid.y·nwg.x → (b, kv head, key tile), earliest (heaviest) tiles first.
struct Params { B: u32, T: u32, nHead: u32, nKvHead: u32, scaleLog2: f32, scale: f32 }

override HD4: u32 = 16u;
override BK: u32 = 64u;
override BQ: u32 = 32u;
const MAX_HD4 = 32u;
const LOG2E = 1.4426950408889634;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read> out: array<vec4f>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<vec4f>;

var<workgroup> sQ: array<vec4f, BQ * HD4>;
var<workgroup> sdO: array<vec4f, BQ * HD4>;
var<workgroup> sL: array<f32, BQ>;
var<workgroup> sD: array<f32, BQ>;

@compute @workgroup_size(BK)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let nTiles = (p.T + BK - 1u) / BK;
  let g = wid.x + wid.y * nwg.x;
  if (g >= p.B * p.nKvHead * nTiles) { return; }
  let tile = g % nTiles;
  let kvh = (g / nTiles) % p.nKvHead;
  let b = g / (nTiles * p.nKvHead);
  let group = p.nHead / p.nKvHead;
  let row4 = (p.nHead + 2u * p.nKvHead) * HD4;
  let oRow4 = p.nHead * HD4;
  let k0 = tile * BK;
  let j = k0 + lid;
  let inRange = j < p.T;
  // Threads past the end still load tiles and meet the barriers; they read a valid row and write nothing.
  // Rows past T are stored as zeros, so the masked tail of the last block multiplies zeros, not leftovers.
  let kBase = (b * p.T + min(j, p.T - 1u)) * row4 + (p.nHead + kvh) * HD4;
  let vBase = kBase + p.nKvHead * HD4;

  var k: array<vec4f, MAX_HD4>;
  var v: array<vec4f, MAX_HD4>;
  var dk: array<vec4f, MAX_HD4>;
  var dv: array<vec4f, MAX_HD4>;
  for (var d = 0u; d < HD4; d++) {
    k[d] = qkv[kBase + d] * p.scaleLog2;
    v[d] = qkv[vBase + d];
    dk[d] = vec4f(0.0);
    dv[d] = vec4f(0.0);
  }

  for (var h = kvh * group; h < (kvh + 1u) * group; h++) {
    let qBase = b * p.T * row4 + h * HD4;
    let oBase = b * p.T * oRow4 + h * HD4;
    let lBase = (b * p.nHead + h) * p.T;
    // Only queries t ≥ k0 can see this tile's keys.
    for (var q0 = k0; q0 < p.T; q0 += BQ) {
      for (var i = lid; i < BQ * HD4; i += BK) {
        let t = q0 + i / HD4;
        let d = i % HD4;
        var qv = vec4f(0.0);
        var ov = vec4f(0.0);
        if (t < p.T) {
          qv = qkv[qBase + t * row4 + d];
          ov = dout[oBase + t * oRow4 + d];
        }
        sQ[i] = qv;
        sdO[i] = ov;
      }
      for (var r = lid; r < BQ; r += BK) {
        let t = q0 + r;
        var D = 0.0;
        var L = 0.0;
        if (t < p.T) {
          for (var d = 0u; d < HD4; d++) { D += dot(dout[oBase + t * oRow4 + d], out[oBase + t * oRow4 + d]); }
          L = lse[lBase + t] * LOG2E;
        }
        sD[r] = D;
        sL[r] = L;
      }
      workgroupBarrier();
      if (inRange && j < q0 + BQ) {
        // Rows in blocks of 4 from the block holding row j; rows before j or past T get probability 0.
        let r0 = select(0u, (j - q0) / 4u * 4u, j > q0);
        let rEnd = min(BQ, p.T - q0);
        for (var r = r0; r < rEnd; r += 4u) {
          let c = r * HD4;
          var s = vec4f(0.0);
          var dp = vec4f(0.0);
          for (var d = 0u; d < HD4; d++) {
            let kd = k[d];
            let vd = v[d];
            s += vec4f(dot(kd, sQ[c + d]), dot(kd, sQ[c + HD4 + d]), dot(kd, sQ[c + 2u * HD4 + d]), dot(kd, sQ[c + 3u * HD4 + d]));
            dp += vec4f(dot(vd, sdO[c + d]), dot(vd, sdO[c + HD4 + d]), dot(vd, sdO[c + 2u * HD4 + d]), dot(vd, sdO[c + 3u * HD4 + d]));
          }
          let t = q0 + r + vec4u(0u, 1u, 2u, 3u);
          let L = vec4f(sL[r], sL[r + 1u], sL[r + 2u], sL[r + 3u]);
          let D = vec4f(sD[r], sD[r + 1u], sD[r + 2u], sD[r + 3u]);
          let pr = select(exp2(s - L), vec4f(0.0), (t < vec4u(j)) | (t >= vec4u(p.T)));
          let ds = pr * (dp - D);
          for (var d = 0u; d < HD4; d++) {
            dv[d] += pr.x * sdO[c + d] + pr.y * sdO[c + HD4 + d] + pr.z * sdO[c + 2u * HD4 + d] + pr.w * sdO[c + 3u * HD4 + d];
            dk[d] += ds.x * sQ[c + d] + ds.y * sQ[c + HD4 + d] + ds.z * sQ[c + 2u * HD4 + d] + ds.w * sQ[c + 3u * HD4 + d];
          }
        }
      }
      workgroupBarrier();
    }
  }

  if (inRange) {
    for (var d = 0u; d < HD4; d++) {
      dqkv[kBase + d] = dk[d] * p.scale;
      dqkv[vBase + d] = dv[d];
    }
  }
}
