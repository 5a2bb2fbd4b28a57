import { describe, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { Rng } from '../../src/util/rng';
import { attentionDecode } from '../../src/kernels/attention_decode';
import { attentionDecodeRef } from '../../src/kernels/attention_decode.ref';

// f32 dot products of length hd and softmax sums over ≤ 600 keys: errors ~1e-6 relative.
const TOL = { atol: 2e-5, rtol: 2e-4 };

describe('attention decode (KV cache)', () => {
  const shapes = [
    { B: 1, Tmax: 8, n: 1, nHead: 4, nKvHead: 4, hd: 16 },
    { B: 2, Tmax: 40, n: 37, nHead: 4, nKvHead: 2, hd: 32 },
    { B: 1, Tmax: 700, n: 613, nHead: 6, nKvHead: 1, hd: 20 }, // > one 512-key chunk
    { B: 1, Tmax: 12, n: 12, nHead: 2, nKvHead: 2, hd: 128 },
  ];
  for (const s of shapes) {
    it(`matches the reference: ${JSON.stringify(s)}`, async () => {
      const gpu = await testGpu();
      const rowW = (s.nHead + 2 * s.nKvHead) * s.hd;
      const cache = new Rng(s.n * 31 + s.hd).floats(s.B * s.Tmax * rowW, -1.5, 1.5);
      const C = gpu.upload(cache);
      const O = gpu.buffer(4 * s.B * s.nHead * s.hd);
      const enc = gpu.encoder();
      attentionDecode(gpu, enc, { cache: C, out: O, B: s.B, Tmax: s.Tmax, n: s.n, nHead: s.nHead, nKvHead: s.nKvHead, headDim: s.hd });
      enc.submit();
      const ref = attentionDecodeRef(cache, s.B, s.Tmax, s.n, s.nHead, s.nKvHead, s.hd);
      expectAllClose(await gpu.readF32(O, ref.length), ref, { ...TOL, name: 'out' });
      gpu.release(C, O);
    });
  }
});
