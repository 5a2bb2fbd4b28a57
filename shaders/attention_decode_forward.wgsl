// Decoding attention for one new query per sequence against a KV cache (sampling with a cache).
// cache (B, Tmax, (nHead + 2·nKvHead)·hd) holds qkv rows 0..n-1 (row n-1 is the new token, its
// q part is the query). out (B, nHead·hd) = softmax(q·Kᵀ/√hd)·V over keys 0..n-1 (all past: causal).
// Query head h uses kv head h / (nHead / nKvHead).
// Bindings: @0 params, @1 cache, @2 out.
// Dispatch: one workgroup of 128 threads per (b, h): B·nHead workgroups (2-D split).
// Keys are processed in chunks of CH scores held in workgroup memory with an online softmax, so
// any n works; thread d < hd accumulates output column d. No backward: sampling is inference only.
struct Params { B: u32, Tmax: u32, n: u32, nHead: u32, nKvHead: u32, hd: u32, scale: f32 }

const WG: u32 = 128u;
const CH: u32 = 512u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> cache: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> qv: array<f32, 128>;
var<workgroup> s: array<f32, CH>;
// Separate arrays for the two reductions, and results read with workgroupUniformLoad: Mesa's
// llvmpipe was seen moving a plain load of red[0] past the following barrier, so a fast thread's
// next write raced with it.
var<workgroup> redMax: array<f32, WG>;
var<workgroup> redSum: array<f32, WG>;

fn reduceMax(tid: u32, v: f32) -> f32 {
  redMax[tid] = v;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k / 2u) {
    if (tid < k) { redMax[tid] = max(redMax[tid], redMax[tid + k]); }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redMax[0]);
}

fn reduceSum(tid: u32, v: f32) -> f32 {
  redSum[tid] = v;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k / 2u) {
    if (tid < k) { redSum[tid] = redSum[tid] + redSum[tid + k]; }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redSum[0]);
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let g = wid.x + wid.y * nwg.x;
  if (g >= p.B * p.nHead) { return; } // uniform per workgroup
  let b = g / p.nHead;
  let h = g % p.nHead;
  let hd = p.hd;
  let rowW = (p.nHead + 2u * p.nKvHead) * hd;
  let kvh = h / (p.nHead / p.nKvHead);
  let base = b * p.Tmax * rowW;
  let kOff = (p.nHead + kvh) * hd;
  let vOff = (p.nHead + p.nKvHead + kvh) * hd;
  if (tid < hd) { qv[tid] = cache[base + (p.n - 1u) * rowW + h * hd + tid]; }
  workgroupBarrier();

  var m = -3.0e38;
  var l = 0.0;
  var acc = 0.0;
  for (var start = 0u; start < p.n; start = start + CH) {
    let cnt = min(CH, p.n - start);
    var localMax = -3.0e38;
    for (var j = tid; j < cnt; j = j + WG) {
      let kRow = base + (start + j) * rowW + kOff;
      var d = 0.0;
      for (var c = 0u; c < hd; c = c + 1u) { d = d + qv[c] * cache[kRow + c]; }
      let sc = d * p.scale;
      s[j] = sc;
      localMax = max(localMax, sc);
    }
    let mNew = max(m, reduceMax(tid, localMax));
    var localSum = 0.0;
    for (var j = tid; j < cnt; j = j + WG) {
      let e = exp(s[j] - mNew);
      s[j] = e;
      localSum = localSum + e;
    }
    let chunkSum = reduceSum(tid, localSum); // its barriers also publish s[]
    let alpha = exp(m - mNew);
    l = l * alpha + chunkSum;
    if (tid < hd) {
      var a = acc * alpha;
      for (var j = 0u; j < cnt; j = j + 1u) { a = a + s[j] * cache[base + (start + j) * rowW + vOff + tid]; }
      acc = a;
    }
    m = mNew;
    workgroupBarrier();
  }
  if (tid < hd) { out[(b * p.nHead + h) * hd + tid] = acc / l; }
}
