// AdamW step on a range [offset, offset + n) of the parameter, gradient and moment buffers, with
// PyTorch's semantics (torch.optim.AdamW, single-tensor path) and clip_grad_norm_'s clipping:
//   norm  = gradNorm[0]                      (global L2 norm of ALL gradients, computed on the GPU)
//   if norm is NaN or ±Inf: return           (skip: param, m and v untouched; the trainer reads the
//                                             norm back later to report the skipped step)
//   g     = grad · min(1, maxNorm / (norm + 1e-6))     (no clipping when maxNorm <= 0)
//   p     = p · (1 − lr·wd)                             (decoupled weight decay)
//   m     = m + (1 − β1)·(g − m)                        (torch's lerp)
//   v     = β2·v + (1 − β2)·g²
//   p     = p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
// The step-dependent scalars (decay, stepSize, bc2Sqrt) are computed on the CPU in float64.
// Bindings: @0 params, @1 param rw, @2 grad read, @3 m rw, @4 v rw (each indexed offset + i),
//   @5 gradNorm (1) read
// Dispatch: ceil(n / 256) workgroups of 256, split 2-D; linear group = wid.x + wid.y * nwg.x.
struct Params {
  n: u32, offset: u32, oneMinusBeta1: f32, beta2: f32,
  oneMinusBeta2: f32, eps: f32, decay: f32, stepSize: f32,
  bc2Sqrt: f32, maxNorm: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> gradNorm: array<f32>;

// Bit test, not x != x: WGSL lets compilers assume floats are finite, which can fold a NaN compare.
fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  let norm = gradNorm[0];
  if (i >= p.n || !isFinite(norm)) { return; }
  var clip = 1.0;
  if (p.maxNorm > 0.0) { clip = min(1.0, p.maxNorm / (norm + 1e-6)); }
  let j = p.offset + i;
  let g = grad[j] * clip;
  let mj = m[j] + p.oneMinusBeta1 * (g - m[j]);
  let vj = p.beta2 * v[j] + p.oneMinusBeta2 * g * g;
  m[j] = mj;
  v[j] = vj;
  param[j] = param[j] * p.decay - p.stepSize * mj / (sqrt(vj) / p.bc2Sqrt + p.eps);
}
