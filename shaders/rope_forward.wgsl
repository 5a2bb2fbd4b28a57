// Rotary position embedding, in place on the q and k heads of qkv; v heads are untouched.
// Serves forward AND backward: the backward of a rotation is its transpose, i.e. the same kernel
// with sign = −1 applied to dqkv (the same cos/sin values, so the gradient is exact for the computed
// forward), hence no rope_backward.wgsl.
// For pair j < hd/2 of each rotated head at position pos = t + posOffset:
//   θ = pos · invFreq[j],  invFreq[j] = base^(−2j/hd) rounded to f32 on the CPU
//   (x_j, x_{j+hd/2}) → (x_j cosθ − s·x_{j+hd/2} sinθ, s·x_j sinθ + x_{j+hd/2} cosθ),  s = sign
// θ is rounded to f32 like PyTorch's float32 reference. cos/sin are computed here (quadrant
// reduction + Cephes polynomials, ~1 ulp) instead of with WGSL's builtins, whose error is only
// bounded on [−π, π] and is ~1e-4 on SwiftShader (measured), enough to break R(−θ)·R(θ) = I.
// Bindings: @0 params (with invFreq, hd/2 ≤ 128), @1 qkv (B·T, (nHead + 2·nKvHead)·hd) read_write
// Dispatch: one thread per (row bt, pair j): ceil(B·T·hd/2 / 256) workgroups of 256, split 2-D;
//   each thread computes cos/sin once and rotates pair j of all nHead + nKvHead q and k heads.
struct Params {
  rows: u32, T: u32, half: u32, nRot: u32,
  rowStride: u32, posOffset: u32, sign: f32, pad: u32,
  invFreq: array<vec4f, 32>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;

const TWO_OVER_PI = 0.6366197723675814;
const PIO2_HI = 1.5703125;                 // 8 significant bits: q · PIO2_HI is exact for q < 2^16
const PIO2_LO = 4.8382679489661923e-4;     // π/2 − PIO2_HI

// (sin θ, cos θ) for θ = q·π/2 + r, |r| ≤ π/4.
fn sinCos(theta: f32) -> vec2f {
  let q = round(theta * TWO_OVER_PI);
  let r = (theta - q * PIO2_HI) - q * PIO2_LO;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  switch (u32(i32(q)) & 3u) {
    case 0u: { return vec2f(s, c); }
    case 1u: { return vec2f(c, -s); }
    case 2u: { return vec2f(-s, -c); }
    default: { return vec2f(-c, s); }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.rows * p.half) { return; }
  let bt = i / p.half;
  let j = i - bt * p.half;
  let pos = f32(bt % p.T + p.posOffset);
  let sc = sinCos(pos * p.invFreq[j / 4u][j % 4u]);
  let s = p.sign * sc.x;
  let c = sc.y;
  let hd = 2u * p.half;
  let rowBase = bt * p.rowStride + j;
  for (var h = 0u; h < p.nRot; h++) {
    let a = rowBase + h * hd;
    let x0 = qkv[a];
    let x1 = qkv[a + p.half];
    qkv[a] = x0 * c - x1 * s;
    qkv[a + p.half] = x0 * s + x1 * c;
  }
}
