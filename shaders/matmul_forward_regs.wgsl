// Batched matmul, register-blocked without workgroup memory (the variant for CPU-based adapters):
//   C[bt] (M, N) = op(A[bt]) (M, K) · op(B[bt]) (K, N) [+ bias (N)]   (or C += … with ACCUMULATE)
// op(A) = A (stored (M, K)) or Aᵀ (TRANS_A: stored (K, M)); op(B) = B (stored (K, N)) or Bᵀ
// (TRANS_B: stored (N, K)). Batch strides are contiguous: M·K, K·N, M·N.
// A workgroup is one row of WX invocations that all share the same 8 rows of C; each invocation owns
// 4 adjacent columns. So every read of A has the same address in all invocations (software adapters
// turn it into one load and a broadcast instead of a per-lane gather) and each invocation reads one
// vec4 of op(B) per k. K advances 4 at a time: the 4 × 4 block of op(B) is a mat4x4 (column c =
// op(B)[k + c][n .. n + 3], transposed in registers when TRANS_B), so one step is acc += Bblk · a.
// Software adapters run invocations as SIMD lanes and pay per barrier; this kernel has none, which
// measured faster there than the workgroup-memory tiled kernel (bench/matmul.ts rows "tiled").
// Global memory is read as vec4 along each matrix's contiguous dimension when it is a multiple of 4
// (VEC_A / VEC_B / VEC_C), otherwise element by element; out-of-range rows and columns are clamped
// on load (their results are never stored) and a partial last K step is zero-filled.
// Bindings: @0 params, @1 A, @2 B, @3 bias (N) (read only if HAS_BIAS), @4 C (read_write).
// Buffers are declared array<vec4f>: their byte sizes must be multiples of 16 (pool buffers are).
// Dispatch: (ceil(N / (4·WX)), ceil(M / 8), batch) workgroups of WX invocations.
struct Params { M: u32, N: u32, K: u32 }

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override VEC_A: bool = false;
override VEC_B: bool = false;
override VEC_C: bool = false;
override ACCUMULATE: bool = false;
override HAS_BIAS: bool = false;
override WX: u32 = 8;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4f>;
@group(0) @binding(2) var<storage, read> B: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> C: array<vec4f>;

fn elemA(i: u32) -> f32 { return A[i >> 2u][i & 3u]; }
fn elemB(i: u32) -> f32 { return B[i >> 2u][i & 3u]; }

// Elements i, i + s, i + 2s, i + 3s of A, of which the first n are read and the rest are 0.
fn quadA(i: u32, s: u32, n: u32) -> vec4f {
  if (n >= 4u) { return vec4f(elemA(i), elemA(i + s), elemA(i + 2u * s), elemA(i + 3u * s)); }
  var v = vec4f(0.0);
  if (n > 0u) { v.x = elemA(i); }
  if (n > 1u) { v.y = elemA(i + s); }
  if (n > 2u) { v.z = elemA(i + 2u * s); }
  return v;
}

fn quadB(i: u32, s: u32, n: u32) -> vec4f {
  if (n >= 4u) { return vec4f(elemB(i), elemB(i + s), elemB(i + 2u * s), elemB(i + 3u * s)); }
  var v = vec4f(0.0);
  if (n > 0u) { v.x = elemB(i); }
  if (n > 1u) { v.y = elemB(i + s); }
  if (n > 2u) { v.z = elemB(i + 2u * s); }
  return v;
}

// Column i of the result is op(A)[row(m + i)][k .. k + 3] (first kn of them), rows clamped to M.
fn loadA(base: u32, m: u32, k: u32, kn: u32) -> mat4x4f {
  let M = p.M; let K = p.K;
  if (TRANS_A) {
    // A stored (K, M): read along m, then transpose.
    if (VEC_A && kn == 4u) {
      let q = (base + k * M + min(m, M - 4u)) >> 2u;
      let s = M >> 2u;
      return transpose(mat4x4f(A[q], A[q + s], A[q + 2u * s], A[q + 3u * s]));
    }
    let i = base + k * M;
    return mat4x4f(quadA(i + min(m, M - 1u), M, kn), quadA(i + min(m + 1u, M - 1u), M, kn),
                   quadA(i + min(m + 2u, M - 1u), M, kn), quadA(i + min(m + 3u, M - 1u), M, kn));
  }
  let r0 = base + min(m, M - 1u) * K + k;
  let r1 = base + min(m + 1u, M - 1u) * K + k;
  let r2 = base + min(m + 2u, M - 1u) * K + k;
  let r3 = base + min(m + 3u, M - 1u) * K + k;
  if (VEC_A && kn == 4u) { return mat4x4f(A[r0 >> 2u], A[r1 >> 2u], A[r2 >> 2u], A[r3 >> 2u]); }
  return mat4x4f(quadA(r0, 1u, kn), quadA(r1, 1u, kn), quadA(r2, 1u, kn), quadA(r3, 1u, kn));
}

// Column c of the result is op(B)[k + c][n .. n + 3] (zero for c >= kn or columns >= N).
fn loadB(base: u32, n: u32, k: u32, kn: u32) -> mat4x4f {
  let N = p.N; let K = p.K;
  if (TRANS_B) {
    // B stored (N, K): read four rows along k, then transpose.
    let r0 = base + min(n, N - 1u) * K + k;
    let r1 = base + min(n + 1u, N - 1u) * K + k;
    let r2 = base + min(n + 2u, N - 1u) * K + k;
    let r3 = base + min(n + 3u, N - 1u) * K + k;
    if (VEC_B && kn == 4u) { return transpose(mat4x4f(B[r0 >> 2u], B[r1 >> 2u], B[r2 >> 2u], B[r3 >> 2u])); }
    return transpose(mat4x4f(quadB(r0, 1u, kn), quadB(r1, 1u, kn), quadB(r2, 1u, kn), quadB(r3, 1u, kn)));
  }
  let i = base + k * N;
  if (VEC_B && kn == 4u) {
    let q = (i + min(n, N - 4u)) >> 2u;
    let s = N >> 2u;
    return mat4x4f(B[q], B[q + s], B[q + 2u * s], B[q + 3u * s]);
  }
  let nn = select(0u, N - n, n < N);
  let z = vec4f(0.0);
  return mat4x4f(quadB(i + n, 1u, nn), select(z, quadB(i + N + n, 1u, nn), kn > 1u),
                 select(z, quadB(i + 2u * N + n, 1u, nn), kn > 2u), select(z, quadB(i + 3u * N + n, 1u, nn), kn > 3u));
}

fn store(base: u32, m: u32, n: u32, bv: vec4f, acc: vec4f) {
  if (m >= p.M) { return; }
  let e = base + m * p.N + n;
  if (VEC_C) {
    var v = acc + bv;
    if (ACCUMULATE) { v += C[e >> 2u]; }
    C[e >> 2u] = v;
    return;
  }
  for (var j = 0u; j < min(p.N - n, 4u); j++) {
    let f = e + j;
    var x = acc[j] + bv[j];
    if (ACCUMULATE) { x += C[f >> 2u][f & 3u]; }
    C[f >> 2u][f & 3u] = x;
  }
}

@compute @workgroup_size(WX)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = p.M; let N = p.N; let K = p.K;
  let m = wid.y * 8u;
  let n = (wid.x * WX + lid.x) * 4u;
  let baseA = wid.z * M * K;
  let baseB = wid.z * K * N;

  var acc0 = vec4f(0.0); var acc1 = vec4f(0.0); var acc2 = vec4f(0.0); var acc3 = vec4f(0.0);
  var acc4 = vec4f(0.0); var acc5 = vec4f(0.0); var acc6 = vec4f(0.0); var acc7 = vec4f(0.0);
  for (var k = 0u; k < K; k += 4u) {
    let kn = min(K - k, 4u);
    let b = loadB(baseB, n, k, kn);
    let a = loadA(baseA, m, k, kn);
    acc0 += b * a[0]; acc1 += b * a[1]; acc2 += b * a[2]; acc3 += b * a[3];
    let a2 = loadA(baseA, m + 4u, k, kn);
    acc4 += b * a2[0]; acc5 += b * a2[1]; acc6 += b * a2[2]; acc7 += b * a2[3];
  }

  if (n >= N) { return; }
  var bv = vec4f(0.0);
  if (HAS_BIAS) {
    if (VEC_C) { bv = bias[n >> 2u]; }
    else { for (var j = 0u; j < min(N - n, 4u); j++) { bv[j] = bias[(n + j) >> 2u][(n + j) & 3u]; } }
  }
  let baseC = wid.z * M * N;
  store(baseC, m, n, bv, acc0); store(baseC, m + 1u, n, bv, acc1);
  store(baseC, m + 2u, n, bv, acc2); store(baseC, m + 3u, n, bv, acc3);
  store(baseC, m + 4u, n, bv, acc4); store(baseC, m + 5u, n, bv, acc5);
  store(baseC, m + 6u, n, bv, acc6); store(baseC, m + 7u, n, bv, acc7);
}
