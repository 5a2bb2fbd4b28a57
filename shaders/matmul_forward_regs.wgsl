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

// Elements i, i + s, i + 2s, i + 3s, of which the first n are read and the rest are 0 (tail only).
fn quadA(i: u32, s: u32, n: u32) -> vec4f {
  var v = vec4f(0.0);
  if (n > 0u) { v.x = elemA(i); }
  if (n > 1u) { v.y = elemA(i + s); }
  if (n > 2u) { v.z = elemA(i + 2u * s); }
  if (n > 3u) { v.w = elemA(i + 3u * s); }
  return v;
}

fn quadB(i: u32, s: u32, n: u32) -> vec4f {
  var v = vec4f(0.0);
  if (n > 0u) { v.x = elemB(i); }
  if (n > 1u) { v.y = elemB(i + s); }
  if (n > 2u) { v.z = elemB(i + 2u * s); }
  if (n > 3u) { v.w = elemB(i + 3u * s); }
  return v;
}

// The main loop's loads have no runtime branches: software adapters run both sides of a branch
// with lane masks, so a fallback path in the loop would cost as much as the work itself.

// Column i is op(A)[m + i][k .. k + 3] (rows clamped to M; they are never stored).
fn loadA(base: u32, m: u32, k: u32) -> mat4x4f {
  let M = p.M; let K = p.K;
  if (TRANS_A) {
    // A stored (K, M): read along m, then transpose.
    if (VEC_A) {
      let q = (base + k * M + min(m, M - 4u)) >> 2u;
      let s = M >> 2u;
      return transpose(mat4x4f(A[q], A[q + s], A[q + 2u * s], A[q + 3u * s]));
    }
    let i = base + k * M;
    let c0 = i + min(m, M - 1u); let c1 = i + min(m + 1u, M - 1u); let c2 = i + min(m + 2u, M - 1u); let c3 = i + min(m + 3u, M - 1u);
    return mat4x4f(vec4f(elemA(c0), elemA(c0 + M), elemA(c0 + 2u * M), elemA(c0 + 3u * M)),
                   vec4f(elemA(c1), elemA(c1 + M), elemA(c1 + 2u * M), elemA(c1 + 3u * M)),
                   vec4f(elemA(c2), elemA(c2 + M), elemA(c2 + 2u * M), elemA(c2 + 3u * M)),
                   vec4f(elemA(c3), elemA(c3 + M), elemA(c3 + 2u * M), elemA(c3 + 3u * M)));
  }
  let r0 = base + min(m, M - 1u) * K + k; let r1 = base + min(m + 1u, M - 1u) * K + k;
  let r2 = base + min(m + 2u, M - 1u) * K + k; let r3 = base + min(m + 3u, M - 1u) * K + k;
  if (VEC_A) { return mat4x4f(A[r0 >> 2u], A[r1 >> 2u], A[r2 >> 2u], A[r3 >> 2u]); }
  return mat4x4f(vec4f(elemA(r0), elemA(r0 + 1u), elemA(r0 + 2u), elemA(r0 + 3u)),
                 vec4f(elemA(r1), elemA(r1 + 1u), elemA(r1 + 2u), elemA(r1 + 3u)),
                 vec4f(elemA(r2), elemA(r2 + 1u), elemA(r2 + 2u), elemA(r2 + 3u)),
                 vec4f(elemA(r3), elemA(r3 + 1u), elemA(r3 + 2u), elemA(r3 + 3u)));
}

// Column c is op(B)[k + c][n .. n + 3] (columns clamped to N; they are never stored).
fn loadB(base: u32, n: u32, k: u32) -> mat4x4f {
  let N = p.N; let K = p.K;
  if (TRANS_B) {
    // B stored (N, K): read four rows along k, then transpose.
    let r0 = base + min(n, N - 1u) * K + k; let r1 = base + min(n + 1u, N - 1u) * K + k;
    let r2 = base + min(n + 2u, N - 1u) * K + k; let r3 = base + min(n + 3u, N - 1u) * K + k;
    if (VEC_B) { return transpose(mat4x4f(B[r0 >> 2u], B[r1 >> 2u], B[r2 >> 2u], B[r3 >> 2u])); }
    return transpose(mat4x4f(vec4f(elemB(r0), elemB(r0 + 1u), elemB(r0 + 2u), elemB(r0 + 3u)),
                             vec4f(elemB(r1), elemB(r1 + 1u), elemB(r1 + 2u), elemB(r1 + 3u)),
                             vec4f(elemB(r2), elemB(r2 + 1u), elemB(r2 + 2u), elemB(r2 + 3u)),
                             vec4f(elemB(r3), elemB(r3 + 1u), elemB(r3 + 2u), elemB(r3 + 3u))));
  }
  let i = base + k * N;
  if (VEC_B) {
    let q = (i + min(n, N - 4u)) >> 2u;
    let s = N >> 2u;
    return mat4x4f(B[q], B[q + s], B[q + 2u * s], B[q + 3u * s]);
  }
  let c0 = i + min(n, N - 1u); let c1 = i + min(n + 1u, N - 1u); let c2 = i + min(n + 2u, N - 1u); let c3 = i + min(n + 3u, N - 1u);
  return mat4x4f(vec4f(elemB(c0), elemB(c1), elemB(c2), elemB(c3)),
                 vec4f(elemB(c0 + N), elemB(c1 + N), elemB(c2 + N), elemB(c3 + N)),
                 vec4f(elemB(c0 + 2u * N), elemB(c1 + 2u * N), elemB(c2 + 2u * N), elemB(c3 + 2u * N)),
                 vec4f(elemB(c0 + 3u * N), elemB(c1 + 3u * N), elemB(c2 + 3u * N), elemB(c3 + 3u * N)));
}

// The last kn < 4 steps of K, zero-filled beyond kn.
fn loadATail(base: u32, m: u32, k: u32, kn: u32) -> mat4x4f {
  let M = p.M; let K = p.K;
  var t: array<vec4f, 4>;
  for (var i = 0u; i < 4u; i++) {
    let r = min(m + i, M - 1u);
    if (TRANS_A) { t[i] = quadA(base + k * M + r, M, kn); } else { t[i] = quadA(base + r * K + k, 1u, kn); }
  }
  return mat4x4f(t[0], t[1], t[2], t[3]);
}

fn loadBTail(base: u32, n: u32, k: u32, kn: u32) -> mat4x4f {
  let N = p.N; let K = p.K;
  var t: array<vec4f, 4>;
  for (var j = 0u; j < 4u; j++) {
    let c = min(n + j, N - 1u);
    if (TRANS_B) { t[j] = quadB(base + c * K + k, 1u, kn); } else { t[j] = quadB(base + k * N + c, N, kn); }
  }
  // t[j] runs along k for column j: transpose so that column c runs along n.
  return transpose(mat4x4f(t[0], t[1], t[2], t[3]));
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
  let kFull = K & ~3u;
  for (var k = 0u; k < kFull; k += 4u) {
    let b = loadB(baseB, n, k);
    let a = loadA(baseA, m, k);
    acc0 += b * a[0]; acc1 += b * a[1]; acc2 += b * a[2]; acc3 += b * a[3];
    let a2 = loadA(baseA, m + 4u, k);
    acc4 += b * a2[0]; acc5 += b * a2[1]; acc6 += b * a2[2]; acc7 += b * a2[3];
  }
  if (kFull < K) {
    let kn = K - kFull;
    let b = loadBTail(baseB, n, kFull, kn);
    let a = loadATail(baseA, m, kFull, kn);
    acc0 += b * a[0]; acc1 += b * a[1]; acc2 += b * a[2]; acc3 += b * a[3];
    let a2 = loadATail(baseA, m + 4u, kFull, kn);
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
