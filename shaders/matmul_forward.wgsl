// Batched matmul, register-tiled with workgroup-memory K tiles:
//   C[bt] (M, N) = op(A[bt]) (M, K) · op(B[bt]) (K, N) [+ bias (N)]   (or C += …)
// op(A) = A (stored (M, K)) or Aᵀ (TRANS_A: stored (K, M)); op(B) = B (stored (K, N)) or Bᵀ
// (TRANS_B: stored (N, K)). Batch strides are contiguous: M·K, K·N, M·N.
// Each workgroup computes a (4·WY) × (4·WX) tile of C; each invocation a 4 × 4 block of it (four
// vec4 rows). Per K step of TK, the workgroup stages op(A)'s (4·WY × TK) and op(B)'s (TK × 4·WX)
// tiles in workgroup memory, k-major, so the inner loop reads one vec4 of each and does 4 vec4
// multiply-adds (written as a * b + c, not fma(): software adapters may not have a fast fma).
// Global memory is read as vec4 along each matrix's contiguous dimension when it is a multiple of 4
// (VEC_A / VEC_B / VEC_C), otherwise element by element; every access is bounds-checked.
// Bindings: @0 params, @1 A, @2 B, @3 bias (N) (read only with flag bit 1), @4 C (read_write).
// Buffers are declared array<vec4f>: their byte sizes must be multiples of 16 (pool buffers are).
// Dispatch: (ceil(N / (4·WX)), ceil(M / (4·WY)), batch) workgroups of WX·WY invocations.
// flags: bit 0 accumulate (C += …), bit 1 add bias. Uniform rather than override constants: they
// only touch the epilogue, and fewer pipeline variants compile faster.
struct Params { M: u32, N: u32, K: u32, flags: u32 }

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override VEC_A: bool = false;
override VEC_B: bool = false;
override VEC_C: bool = false;
override WX: u32 = 16;
override WY: u32 = 16;
override TK: u32 = 16;
override AS_LEN: u32 = 256;  // TK · WY
override BS_LEN: u32 = 256;  // TK · WX

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4f>;
@group(0) @binding(2) var<storage, read> B: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> C: array<vec4f>;

var<workgroup> As: array<vec4f, AS_LEN>;  // [k][m / 4]: four rows of op(A) per vec4
var<workgroup> Bs: array<vec4f, BS_LEN>;  // [k][n / 4]: four columns of op(B) per vec4

fn elemA(i: u32) -> f32 { return A[i >> 2u][i & 3u]; }
fn elemB(i: u32) -> f32 { return B[i >> 2u][i & 3u]; }

// Four consecutive elements of A starting at flat index i, of which the first `n` exist.
fn quadA(i: u32, n: u32) -> vec4f {
  if (VEC_A) { if (n >= 4u) { return A[i >> 2u]; } return vec4f(0.0); }
  var v = vec4f(0.0);
  for (var j = 0u; j < min(n, 4u); j++) { v[j] = elemA(i + j); }
  return v;
}

fn quadB(i: u32, n: u32) -> vec4f {
  if (VEC_B) { if (n >= 4u) { return B[i >> 2u]; } return vec4f(0.0); }
  var v = vec4f(0.0);
  for (var j = 0u; j < min(n, 4u); j++) { v[j] = elemB(i + j); }
  return v;
}

// How many of idx, idx+1, idx+2, idx+3 are below `limit`, given row < rows (else 0).
fn avail(row: u32, rows: u32, idx: u32, limit: u32) -> u32 {
  if (row >= rows || idx >= limit) { return 0u; }
  return limit - idx;
}

@compute @workgroup_size(WX, WY)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = p.M; let N = p.N; let K = p.K;
  let m0 = wid.y * 4u * WY;
  let n0 = wid.x * 4u * WX;
  let baseA = wid.z * M * K;
  let baseB = wid.z * K * N;
  let baseC = wid.z * M * N;
  let tx = lid3.x;
  let ty = lid3.y;
  let nt = WX * WY;
  let tk4 = TK / 4u;

  var acc0 = vec4f(0.0); var acc1 = vec4f(0.0); var acc2 = vec4f(0.0); var acc3 = vec4f(0.0);
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var s = lid; s < AS_LEN; s += nt) {
      if (TRANS_A) {
        // A stored (K, M): a quad runs along m and lands whole in As.
        let kk = s / WY; let mq = s % WY;
        let k = k0 + kk; let m = m0 + 4u * mq;
        As[s] = quadA(baseA + k * M + m, avail(k, K, m, M));
      } else {
        // A stored (M, K): a quad runs along k and is scattered to four k rows of As.
        let r = s / tk4; let kq = s % tk4;
        let m = m0 + r; let k = k0 + 4u * kq;
        let v = quadA(baseA + m * K + k, avail(m, M, k, K));
        let o = 4u * kq * WY + (r >> 2u); let c = r & 3u;
        As[o][c] = v.x; As[o + WY][c] = v.y; As[o + 2u * WY][c] = v.z; As[o + 3u * WY][c] = v.w;
      }
    }
    for (var s = lid; s < BS_LEN; s += nt) {
      if (TRANS_B) {
        // B stored (N, K): a quad runs along k.
        let r = s / tk4; let kq = s % tk4;
        let n = n0 + r; let k = k0 + 4u * kq;
        let v = quadB(baseB + n * K + k, avail(n, N, k, K));
        let o = 4u * kq * WX + (r >> 2u); let c = r & 3u;
        Bs[o][c] = v.x; Bs[o + WX][c] = v.y; Bs[o + 2u * WX][c] = v.z; Bs[o + 3u * WX][c] = v.w;
      } else {
        // B stored (K, N): a quad runs along n.
        let kk = s / WX; let nq = s % WX;
        let k = k0 + kk; let n = n0 + 4u * nq;
        Bs[s] = quadB(baseB + k * N + n, avail(k, K, n, N));
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let a = As[k * WY + ty];
      let b = Bs[k * WX + tx];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }

  let n = n0 + 4u * tx;
  if (n >= N) { return; }
  var bv = vec4f(0.0);
  if ((p.flags & 2u) != 0u) {
    if (VEC_C) { bv = bias[n >> 2u]; }
    else { for (var j = 0u; j < min(N - n, 4u); j++) { bv[j] = bias[(n + j) >> 2u][(n + j) & 3u]; } }
  }
  let rows = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + 4u * ty + i;
    if (m >= M) { return; }
    let idx = baseC + m * N + n;
    var v = rows[i] + bv;
    if (VEC_C) {
      if ((p.flags & 1u) != 0u) { v += C[idx >> 2u]; }
      C[idx >> 2u] = v;
    } else {
      for (var j = 0u; j < min(N - n, 4u); j++) {
        let e = idx + j;
        var x = v[j];
        if ((p.flags & 1u) != 0u) { x += C[e >> 2u][e & 3u]; }
        C[e >> 2u][e & 3u] = x;
      }
    }
  }
}
