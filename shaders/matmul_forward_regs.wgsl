// Batched matmul, register-blocked without workgroup memory (the variant for CPU-based adapters):
//   C[bt] (M, N) = op(A[bt]) (M, K) · op(B[bt]) (K, N) [+ bias (N)]   (or C += …)
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
// Bindings: @0 params, @1 A, @2 B, @3 bias (N) (read only with flag bit 1), @4 C (read_write).
// Buffers are declared array<vec4f>: their byte sizes must be multiples of 16 (pool buffers are).
// Dispatch: (ceil(N / (4·WX)), ceil(M / 8), batch) workgroups of WX invocations.
// flags: bit 0 accumulate (C += …), bit 1 add bias. Uniform rather than override constants: they
// only touch the epilogue, and fewer pipeline variants compile faster.
struct Params { M: u32, N: u32, K: u32, flags: u32 }

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override VEC_A: bool = false;
override VEC_B: bool = false;
override VEC_C: bool = false;
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
// with lane masks, so a fallback path in the loop would cost as much as the work itself. Row and
// column offsets are computed once, before the loop (o: four rows of op(A) or columns of op(B),
// clamped to the matrix; clamped rows and columns are never stored).

// Column i is op(A)[row i][k .. k + 3]. o[i]: start of row i (A stored (M, K)) or its column
// (TRANS_A: A stored (K, M)).
fn loadA(o: vec4u, k: u32) -> mat4x4f {
  let M = p.M;
  if (TRANS_A) {
    let i = k * M;
    if (VEC_A) {
      // Rows i..i+3 are adjacent in memory: one vec4 per k, then transpose.
      let q = (o.x + i) >> 2u; let s = M >> 2u;
      return transpose(mat4x4f(A[q], A[q + s], A[q + 2u * s], A[q + 3u * s]));
    }
    let c = o + vec4u(i);
    return transpose(mat4x4f(vec4f(elemA(c.x), elemA(c.y), elemA(c.z), elemA(c.w)),
                             vec4f(elemA(c.x + M), elemA(c.y + M), elemA(c.z + M), elemA(c.w + M)),
                             vec4f(elemA(c.x + 2u * M), elemA(c.y + 2u * M), elemA(c.z + 2u * M), elemA(c.w + 2u * M)),
                             vec4f(elemA(c.x + 3u * M), elemA(c.y + 3u * M), elemA(c.z + 3u * M), elemA(c.w + 3u * M))));
  }
  let r = o + vec4u(k);
  if (VEC_A) { return mat4x4f(A[r.x >> 2u], A[r.y >> 2u], A[r.z >> 2u], A[r.w >> 2u]); }
  return mat4x4f(vec4f(elemA(r.x), elemA(r.x + 1u), elemA(r.x + 2u), elemA(r.x + 3u)),
                 vec4f(elemA(r.y), elemA(r.y + 1u), elemA(r.y + 2u), elemA(r.y + 3u)),
                 vec4f(elemA(r.z), elemA(r.z + 1u), elemA(r.z + 2u), elemA(r.z + 3u)),
                 vec4f(elemA(r.w), elemA(r.w + 1u), elemA(r.w + 2u), elemA(r.w + 3u)));
}

// Column c is op(B)[k + c][columns j = 0..3]. o[j]: start of column j (B stored (K, N)) or its
// row (TRANS_B: B stored (N, K)).
fn loadB(o: vec4u, k: u32) -> mat4x4f {
  let N = p.N;
  if (TRANS_B) {
    let r = o + vec4u(k);
    if (VEC_B) { return transpose(mat4x4f(B[r.x >> 2u], B[r.y >> 2u], B[r.z >> 2u], B[r.w >> 2u])); }
    return transpose(mat4x4f(vec4f(elemB(r.x), elemB(r.x + 1u), elemB(r.x + 2u), elemB(r.x + 3u)),
                             vec4f(elemB(r.y), elemB(r.y + 1u), elemB(r.y + 2u), elemB(r.y + 3u)),
                             vec4f(elemB(r.z), elemB(r.z + 1u), elemB(r.z + 2u), elemB(r.z + 3u)),
                             vec4f(elemB(r.w), elemB(r.w + 1u), elemB(r.w + 2u), elemB(r.w + 3u))));
  }
  let i = k * N;
  if (VEC_B) {
    // Columns j..j+3 are adjacent in memory: one vec4 per k.
    let q = (o.x + i) >> 2u; let s = N >> 2u;
    return mat4x4f(B[q], B[q + s], B[q + 2u * s], B[q + 3u * s]);
  }
  let c = o + vec4u(i);
  return mat4x4f(vec4f(elemB(c.x), elemB(c.y), elemB(c.z), elemB(c.w)),
                 vec4f(elemB(c.x + N), elemB(c.y + N), elemB(c.z + N), elemB(c.w + N)),
                 vec4f(elemB(c.x + 2u * N), elemB(c.y + 2u * N), elemB(c.z + 2u * N), elemB(c.w + 2u * N)),
                 vec4f(elemB(c.x + 3u * N), elemB(c.y + 3u * N), elemB(c.z + 3u * N), elemB(c.w + 3u * N)));
}

// The last kn < 4 steps of K, zero-filled beyond kn (runs once, so branches are fine).
fn loadATail(o: vec4u, k: u32, kn: u32) -> mat4x4f {
  let s = select(1u, p.M, TRANS_A);
  let i = select(k, k * p.M, TRANS_A);
  return mat4x4f(quadA(o.x + i, s, kn), quadA(o.y + i, s, kn), quadA(o.z + i, s, kn), quadA(o.w + i, s, kn));
}

fn loadBTail(o: vec4u, k: u32, kn: u32) -> mat4x4f {
  let s = select(p.N, 1u, TRANS_B);
  let i = select(k * p.N, k, TRANS_B);
  // Each quad runs along k for one column: transpose so that column c runs along the columns.
  return transpose(mat4x4f(quadB(o.x + i, s, kn), quadB(o.y + i, s, kn), quadB(o.z + i, s, kn), quadB(o.w + i, s, kn)));
}

// Offsets of rows (or columns) r .. r + 3 of an op()'d matrix with `rows` rows, clamped.
fn offsets(base: u32, r: u32, rows: u32, stride: u32) -> vec4u {
  let last = rows - 1u;
  return vec4u(base) + vec4u(min(r, last), min(r + 1u, last), min(r + 2u, last), min(r + 3u, last)) * stride;
}

fn store(base: u32, m: u32, n: u32, bv: vec4f, acc: vec4f) {
  if (m >= p.M) { return; }
  let e = base + m * p.N + n;
  if (VEC_C) {
    var v = acc + bv;
    if ((p.flags & 1u) != 0u) { v += C[e >> 2u]; }
    C[e >> 2u] = v;
    return;
  }
  for (var j = 0u; j < min(p.N - n, 4u); j++) {
    let f = e + j;
    var x = acc[j] + bv[j];
    if ((p.flags & 1u) != 0u) { x += C[f >> 2u][f & 3u]; }
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
  // Row i of op(A) starts at i·K (A stored (M, K)) or at column i (TRANS_A); likewise op(B)'s columns.
  let oa0 = offsets(baseA, m, M, select(K, 1u, TRANS_A));
  let oa1 = offsets(baseA, m + 4u, M, select(K, 1u, TRANS_A));
  let ob = offsets(baseB, n, N, select(1u, K, TRANS_B));
  let kFull = K & ~3u;
  for (var k = 0u; k < kFull; k += 4u) {
    let b = loadB(ob, k);
    let a = loadA(oa0, k);
    acc0 += b * a[0]; acc1 += b * a[1]; acc2 += b * a[2]; acc3 += b * a[3];
    let a2 = loadA(oa1, k);
    acc4 += b * a2[0]; acc5 += b * a2[1]; acc6 += b * a2[2]; acc7 += b * a2[3];
  }
  if (kFull < K) {
    let kn = K - kFull;
    let b = loadBTail(ob, kFull, kn);
    let a = loadATail(oa0, kFull, kn);
    acc0 += b * a[0]; acc1 += b * a[1]; acc2 += b * a[2]; acc3 += b * a[3];
    let a2 = loadATail(oa1, kFull, kn);
    acc4 += b * a2[0]; acc5 += b * a2[1]; acc6 += b * a2[2]; acc7 += b * a2[3];
  }

  if (n >= N) { return; }
  var bv = vec4f(0.0);
  if ((p.flags & 2u) != 0u) {
    if (VEC_C) { bv = bias[n >> 2u]; }
    else { for (var j = 0u; j < min(N - n, 4u); j++) { bv[j] = bias[(n + j) >> 2u][(n + j) & 3u]; } }
  }
  let baseC = wid.z * M * N;
  store(baseC, m, n, bv, acc0); store(baseC, m + 1u, n, bv, acc1);
  store(baseC, m + 2u, n, bv, acc2); store(baseC, m + 3u, n, bv, acc3);
  store(baseC, m + 4u, n, bv, acc4); store(baseC, m + 5u, n, bv, acc5);
  store(baseC, m + 6u, n, bv, acc6); store(baseC, m + 7u, n, bv, acc7);
}
