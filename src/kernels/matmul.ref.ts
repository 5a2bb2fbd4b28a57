// CPU reference for matmul.ts, in float64. Plain loops, no tiling: the point is to be obviously right.
export interface MatmulRefOpts {
  M: number;
  N: number;
  K: number;
  batch?: number;
  transA?: boolean;
  transB?: boolean;
  /** (N) added to every row. */
  bias?: ArrayLike<number> | null;
  /** Prior contents of C (batch·M·N) for the accumulate form. */
  c0?: ArrayLike<number> | null;
}

/** C[bt] = [c0 +] op(A[bt]) · op(B[bt]) [+ bias], (batch, M, N). */
export function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, o: MatmulRefOpts): Float64Array {
  const { M, N, K, batch = 1, transA = false, transB = false, bias = null, c0 = null } = o;
  const c = new Float64Array(batch * M * N);
  for (let bt = 0; bt < batch; bt++) {
    const oa = bt * M * K, ob = bt * K * N, oc = bt * M * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = transA ? a[oa + k * M + m] : a[oa + m * K + k];
          const bv = transB ? b[ob + n * K + k] : b[ob + k * N + n];
          s += av * bv;
        }
        const i = oc + m * N + n;
        c[i] = s + (bias ? bias[n] : 0) + (c0 ? c0[i] : 0);
      }
    }
  }
  return c;
}

/** y (M, N) = x (M, K) · wᵀ + b, with w (N, K). */
export function linearForwardRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, M: number, K: number, N: number): Float64Array {
  return matmulRef(x, w, { M, N, K, transB: true, bias: b });
}

/** The gradients of y = x · wᵀ + b for upstream dy (M, N): dx (M, K), dw (N, K), db (N) —
 *  the values themselves, not added to anything. */
export function linearBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>, M: number, K: number, N: number): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const dx = matmulRef(dy, w, { M, N: K, K: N });
  const dw = matmulRef(dy, x, { M: N, N: K, K: M, transA: true });
  const db = new Float64Array(N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) db[n] += dy[m * N + n];
  return { dx, dw, db };
}
