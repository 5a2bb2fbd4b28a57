import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { embeddingForward, embeddingBackward, embeddingBuckets } from '../../src/kernels/embedding';
import { embeddingForwardRef, embeddingBackwardRef } from '../../src/kernels/embedding.ref';

// Forward: one f32 add of two f32 values, i.e. the float64 sum rounded once (half an ulp, |x| ≤ 2).
const FWD_TOL = { atol: 0, rtol: 2 ** -24 };
// Backward: sums of up to ~25 f32 terms (|dout| ≤ 1) added in order onto the old gradient: the
// error grows like a random walk of roundings, ~1e-7·√terms·Σ|terms|; measured max 1.2e-6.
const BWD_TOL = { atol: 1e-5, rtol: 1e-5 };

// Tokens with many repeats: ids drawn from a few values, plus a run of one token.
function makeTokens(rng: Rng, n: number, V: number): Int32Array {
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = i % 5 === 0 ? V - 1 : rng.int(Math.min(V, 7));
  return t;
}

describe('embedding', () => {
  // [B, T, Tmax, C, V, with wpe]
  const shapes: [number, number, number, number, number, boolean][] = [
    [2, 7, 9, 13, 11, true],
    [3, 37, 37, 65, 50, true],
    [2, 19, 0, 257, 300, false],
  ];
  for (const [B, T, Tmax, C, V, hasWpe] of shapes) {
    it(`forward and backward match the reference, B=${B} T=${T} C=${C} V=${V} wpe=${hasWpe}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(B * 1000 + C);
      const tokens = makeTokens(rng, B * T, V);
      const wte = rng.floats(V * C), wpe = hasWpe ? rng.floats(Tmax * C) : null;
      const dout = rng.floats(B * T * C), dwte0 = rng.floats(V * C), dwpe0 = rng.floats(Math.max(Tmax, 1) * C);
      const buckets = embeddingBuckets(tokens, V);
      const TOK = gpu.upload(tokens), WTE = gpu.upload(wte), WPE = wpe ? gpu.upload(wpe) : null, OUT = gpu.buffer(B * T * C * 4);
      const DOUT = gpu.upload(dout), DWTE = gpu.upload(dwte0), DWPE = hasWpe ? gpu.upload(dwpe0) : null, BK = gpu.upload(buckets.data);
      const enc = gpu.encoder('embedding-test');
      embeddingForward(gpu, enc, { tokens: TOK, wte: WTE, wpe: WPE, out: OUT, B, T, C });
      embeddingBackward(gpu, enc, { dout: DOUT, dwte: DWTE, dwpe: DWPE, buckets: BK, numIds: buckets.numIds, B, T, C });
      enc.submit();
      expectAllClose(await gpu.readF32(OUT, B * T * C), embeddingForwardRef(tokens, wte, wpe, B, T, C), { ...FWD_TOL, name: 'out' });
      const inc = embeddingBackwardRef(tokens, dout, B, T, C, V);
      expectAllClose(await gpu.readF32(DWTE, V * C), inc.dwte.map((d, i) => d + dwte0[i]), { ...BWD_TOL, name: 'dwte' });
      if (DWPE) {
        // Rows T..Tmax−1 of dwpe get no gradient and must keep their old values.
        const want = Float64Array.from(dwpe0.subarray(0, Tmax * C));
        for (let i = 0; i < T * C; i++) want[i] += inc.dwpe[i];
        expectAllClose(await gpu.readF32(DWPE, Tmax * C), want, { ...BWD_TOL, name: 'dwpe' });
      }
      gpu.release(TOK, WTE, WPE, OUT, DOUT, DWTE, DWPE, BK);
    });
  }

  it('forward adds the rows of wpe at t + posOffset (KV-cache decoding)', async () => {
    const gpu = await testGpu();
    const B = 1, T = 3, C = 29, V = 13, Tmax = 40, posOffset = 35;
    const rng = new Rng(35);
    const tokens = makeTokens(rng, B * T, V), wte = rng.floats(V * C), wpe = rng.floats(Tmax * C);
    const TOK = gpu.upload(tokens), WTE = gpu.upload(wte), WPE = gpu.upload(wpe), OUT = gpu.buffer(B * T * C * 4);
    const enc = gpu.encoder('embedding-offset');
    embeddingForward(gpu, enc, { tokens: TOK, wte: WTE, wpe: WPE, out: OUT, B, T, C, posOffset });
    enc.submit();
    expectAllClose(await gpu.readF32(OUT, B * T * C), embeddingForwardRef(tokens, wte, wpe, B, T, C, posOffset), { ...FWD_TOL, name: 'out' });
    gpu.release(TOK, WTE, WPE, OUT);
  });

  it('backward is deterministic: two runs are bit-identical (every token the same, B·T = 777)', async () => {
    const gpu = await testGpu();
    const B = 3, T = 259, C = 67, V = 5;
    const rng = new Rng(77);
    const tokens = new Int32Array(B * T).fill(3);
    const dout = rng.normals(B * T * C, 10);
    const buckets = embeddingBuckets(tokens, V);
    const DOUT = gpu.upload(dout), BK = gpu.upload(buckets.data);
    const runs: Uint32Array[] = [];
    for (let k = 0; k < 2; k++) {
      const DWTE = gpu.upload(new Float32Array(V * C)), DWPE = gpu.upload(new Float32Array(T * C));
      const enc = gpu.encoder('embedding-determinism');
      embeddingBackward(gpu, enc, { dout: DOUT, dwte: DWTE, dwpe: DWPE, buckets: BK, numIds: buckets.numIds, B, T, C });
      enc.submit();
      const both = new Float32Array(V * C + T * C);
      both.set(await gpu.readF32(DWTE, V * C));
      both.set(await gpu.readF32(DWPE, T * C), V * C);
      runs.push(new Uint32Array(both.buffer));
      gpu.release(DWTE, DWPE);
    }
    expect(runs[1]).toEqual(runs[0]);
    const inc = embeddingBackwardRef(tokens, dout, B, T, C, V);
    // 777 terms of std 10 summed in order in f32: worst case 777·2^−24·Σ|terms| ≈ 0.3, a random walk
    // ≈ 2^−24·√777·|partial sums| ≈ 1e-4; measured max 2.6e-4. atol 2e-3 keeps a margin.
    expectAllClose(new Float32Array(runs[0].buffer, 0, V * C), inc.dwte, { atol: 2e-3, rtol: 1e-5, name: 'dwte (one token)' });
    gpu.release(DOUT, BK);
  });

  it('embeddingBuckets groups positions by token in ascending order and rejects bad ids', () => {
    const tokens = [4, 1, 4, 0, 1, 4];
    const { data, numIds } = embeddingBuckets(tokens, 6);
    expect(numIds).toBe(3);
    // ids | offsets | positions
    expect(Array.from(data)).toEqual([0, 1, 4, 0, 1, 3, 6, 3, 1, 4, 0, 2, 5]);
    expect(() => embeddingBuckets([0, 6], 6)).toThrow(RangeError);
    expect(() => embeddingBuckets([-1], 6)).toThrow(RangeError);
  });

  it('backward reference matches finite differences', () => {
    const rng = new Rng(5);
    const B = 2, T = 3, C = 4, V = 5;
    const tokens = [1, 3, 1, 1, 0, 3];
    const wte = Float64Array.from(rng.floats(V * C)), wpe = Float64Array.from(rng.floats(T * C)), probe = rng.floats(B * T * C);
    const { dwte, dwpe } = embeddingBackwardRef(tokens, probe, B, T, C, V);
    expectAllClose(dwte, numericGrad((x) => dot(embeddingForwardRef(tokens, x, wpe, B, T, C), probe), wte), { atol: 1e-8, name: 'dwte' });
    expectAllClose(dwpe, numericGrad((x) => dot(embeddingForwardRef(tokens, wte, x, B, T, C), probe), wpe), { atol: 1e-8, name: 'dwpe' });
  });
});
