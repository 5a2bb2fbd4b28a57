import { describe, expect, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import type { Gpu } from '../../src/gpu/gpu';
import { attentionForward, attentionBackward, attentionTileRows, type AttentionShape } from '../../src/kernels/attention';
import { attentionForwardRef, attentionBackwardRef } from '../../src/kernels/attention.ref';

const sizes = ({ B, T, nHead, nKvHead, headDim }: AttentionShape) => ({
  qkv: B * T * (nHead + 2 * nKvHead) * headDim,
  out: B * T * nHead * headDim,
  lse: B * nHead * T,
});

/** Runs forward then backward on the GPU in one submit; returns out, lse, dqkv. */
async function runGpu(gpu: Gpu, s: AttentionShape, qkv: Float32Array, dout: Float32Array) {
  const n = sizes(s);
  const Qkv = gpu.upload(qkv), Dout = gpu.upload(dout);
  // Outputs start as NaN so any element a kernel fails to write shows up.
  const [Out, Lse, Dqkv] = [n.out, n.lse, n.qkv].map((k) => gpu.upload(new Float32Array(k).fill(NaN)));
  await gpu.scoped('attention test', () => {
    const enc = gpu.encoder('attention-test');
    attentionForward(gpu, enc, { qkv: Qkv, out: Out, lse: Lse, ...s });
    attentionBackward(gpu, enc, { qkv: Qkv, out: Out, lse: Lse, dout: Dout, dqkv: Dqkv, ...s });
    enc.submit();
  });
  const res = { out: await gpu.readF32(Out, n.out), lse: await gpu.readF32(Lse, n.lse), dqkv: await gpu.readF32(Dqkv, n.qkv) };
  gpu.release(Qkv, Dout, Out, Lse, Dqkv);
  return res;
}

/** f32 dot products over hd and online-softmax sums over ≤ T keys of O(1) values: the largest
 *  error seen on either adapter was 7e-7, so a margin of about 5×. */
function expectForwardClose(got: { out: Float32Array; lse: Float32Array }, ref: { out: Float64Array; lse: Float64Array }): void {
  expectAllClose(got.out, ref.out, { atol: 3e-6, rtol: 1e-5, name: 'out' });
  expectAllClose(got.lse, ref.lse, { atol: 3e-6, rtol: 1e-6, name: 'lse' });
}

const name = (s: AttentionShape) => `B=${s.B} T=${s.T} nHead=${s.nHead} nKvHead=${s.nKvHead} hd=${s.headDim}`;

// T = 1, T below / between / across tile sizes (tiles are 64 query rows and attentionTileRows(hd) keys),
// B = 2, MHA and GQA (groups of 2, 3 and 6), hd 16 / 20 (hd/4 odd) / 32 / 64.
const shapes: AttentionShape[] = [
  { B: 1, T: 1, nHead: 2, nKvHead: 2, headDim: 16 },
  { B: 2, T: 37, nHead: 4, nKvHead: 2, headDim: 16 },
  { B: 1, T: 70, nHead: 6, nKvHead: 1, headDim: 32 },
  { B: 2, T: 70, nHead: 3, nKvHead: 3, headDim: 64 },
  { B: 1, T: 150, nHead: 3, nKvHead: 1, headDim: 20 },
];

describe('attention', () => {
  it('backward reference matches finite differences', () => {
    for (const s of [{ B: 1, T: 5, nHead: 4, nKvHead: 2, headDim: 4 }, { B: 2, T: 4, nHead: 3, nKvHead: 1, headDim: 8 }]) {
      const rng = new Rng(11 + s.T);
      const n = sizes(s);
      const qkv = rng.normals(n.qkv), probe = rng.normals(n.out);
      const analytic = attentionBackwardRef(qkv, probe, s);
      const numeric = numericGrad((x) => dot(attentionForwardRef(x, s).out, probe), qkv);
      // Central differences with eps 1e-5 in float64: truncation ~1e-10·f''', rounding ~1e-11.
      expectAllClose(analytic, numeric, { atol: 1e-8, rtol: 1e-6, name: `dqkv ${name(s)}` });
    }
  });

  for (const s of shapes) {
    it(`GPU matches the reference, ${name(s)}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(s.T * 31 + s.headDim);
      const n = sizes(s);
      // Unit normals: scaled scores have std ~1, so softmax rows are neither flat nor one-hot.
      const qkv = rng.normals(n.qkv), dout = rng.normals(n.out);
      const got = await runGpu(gpu, s, qkv, dout);
      const ref = attentionForwardRef(qkv, s);
      expectForwardClose(got, ref);
      // dq, dk, dv sum up to T terms of size ~1 each; the largest error seen was 2e-6.
      expectAllClose(got.dqkv, attentionBackwardRef(qkv, dout, s), { atol: 1e-5, rtol: 1e-5, name: 'dqkv' });
    });
  }

  // hd = 128 fills the kernels' register arrays (MAX_HD4) and uses 16-key tiles. Forward only:
  // llvmpipe takes over a minute to compile the hd = 128 backward shaders on a cold shader cache.
  it('GPU forward matches the reference at hd=128', async () => {
    const gpu = await testGpu();
    const s: AttentionShape = { B: 1, T: 40, nHead: 2, nKvHead: 1, headDim: 128 };
    const n = sizes(s);
    const qkv = new Rng(128).normals(n.qkv);
    const Qkv = gpu.upload(qkv), Out = gpu.buffer(n.out * 4), Lse = gpu.buffer(n.lse * 4);
    await gpu.scoped('attention test', () => {
      const enc = gpu.encoder('attention-test');
      attentionForward(gpu, enc, { qkv: Qkv, out: Out, lse: Lse, ...s });
      enc.submit();
    });
    expectForwardClose({ out: await gpu.readF32(Out, n.out), lse: await gpu.readF32(Lse, n.lse) }, attentionForwardRef(qkv, s));
    gpu.release(Qkv, Out, Lse);
  });

  it('rejects shapes it cannot run, with a readable error', async () => {
    const gpu = await testGpu();
    const buf = gpu.buffer(4096);
    const run = (shape: AttentionShape) => attentionForward(gpu, gpu.encoder('attention-test'), { qkv: buf, out: buf, lse: buf, ...shape });
    expect(() => run({ B: 1, T: 4, nHead: 2, nKvHead: 2, headDim: 6 })).toThrow(/head dim 6/);
    expect(() => run({ B: 1, T: 4, nHead: 3, nKvHead: 2, headDim: 8 })).toThrow(/3 query heads/);
    expect(() => run({ B: 1, T: 64, nHead: 2, nKvHead: 2, headDim: 16 })).toThrow(/qkv holds 4096 bytes/);
    gpu.release(buf);
  });

  it('is causal: changing a later token changes no earlier output, and the backward is deterministic', async () => {
    const gpu = await testGpu();
    const s: AttentionShape = { B: 1, T: attentionTileRows(16) + 5, nHead: 4, nKvHead: 2, headDim: 16 };
    const n = sizes(s);
    const rng = new Rng(5);
    const qkv = rng.normals(n.qkv), dout = rng.normals(n.out);
    const t0 = s.T - 9;
    const changed = qkv.slice();
    const rowStride = n.qkv / s.T;
    for (let i = t0 * rowStride; i < (t0 + 1) * rowStride; i++) changed[i] += 1;
    const a = await runGpu(gpu, s, qkv, dout);
    const b = await runGpu(gpu, s, changed, dout);
    const c = await runGpu(gpu, s, qkv, dout);
    const hdAll = s.nHead * s.headDim;
    expect(Array.from(b.out.subarray(0, t0 * hdAll))).toEqual(Array.from(a.out.subarray(0, t0 * hdAll)));
    expect(Array.from(b.out.subarray(t0 * hdAll, (t0 + 1) * hdAll))).not.toEqual(Array.from(a.out.subarray(t0 * hdAll, (t0 + 1) * hdAll)));
    for (let h = 0; h < s.nHead; h++) {
      const row = (x: Float32Array) => Array.from(x.subarray(h * s.T, h * s.T + t0));
      expect(row(b.lse), `lse head ${h}`).toEqual(row(a.lse));
    }
    expect(Array.from(c.dqkv)).toEqual(Array.from(a.dqkv));
  });
});
