import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose, mismatches } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { rope, type RopeArgs } from '../../src/kernels/rope';
import { ropeRef } from '../../src/kernels/rope.ref';

type Shape = Omit<RopeArgs, 'qkv' | 'inverse'>;

// Error model: θ = pos·invFreq in f32 carries two roundings (invFreq, then the product), so
// |Δθ| ≤ 2·2^−24·|θ| ≈ 1.2e-7·|θ|; the polynomial cos/sin add ~1e-7, and the output error is
// ≤ |Δθ|·|(x_i, x_{i+hd/2})| ≤ 1.5·|Δθ| for |x| ≤ 1.
// Positions ≤ 41 here: bound ≈ 7.5e-6 (measured max 1.8e-6 on both adapters) → atol 8e-6.
// Positions ≤ 4096: bound ≈ 7.4e-4 (measured max 1.6e-4 on both adapters) → atol 1e-3.
const NEAR_TOL = { atol: 8e-6, rtol: 0 };
const FAR_TOL = { atol: 1e-3, rtol: 0 };

async function runRope(shape: Shape, x: Float32Array, inverse: boolean): Promise<Float32Array> {
  const gpu = await testGpu();
  const QKV = gpu.upload(x);
  const enc = gpu.encoder('rope-test');
  rope(gpu, enc, { ...shape, qkv: QKV, inverse });
  enc.submit();
  const out = await gpu.readF32(QKV, x.length);
  gpu.release(QKV);
  return out;
}

const size = (s: Shape) => s.B * s.T * (s.nHead + 2 * s.nKvHead) * s.headDim;

describe('rope', () => {
  const shapes: Shape[] = [
    { B: 2, T: 7, nHead: 3, nKvHead: 1, headDim: 10, base: 10000 },
    { B: 1, T: 37, nHead: 4, nKvHead: 2, headDim: 18, base: 500 },
    { B: 3, T: 13, nHead: 2, nKvHead: 2, headDim: 64, base: 10000, posOffset: 5 },
  ];
  for (const shape of shapes) {
    it(`forward and inverse match the reference, ${JSON.stringify(shape)}`, async () => {
      const x = new Rng(size(shape)).floats(size(shape));
      for (const inverse of [false, true]) {
        const got = await runRope(shape, x, inverse);
        expectAllClose(got, ropeRef(x, { ...shape, inverse }), { ...NEAR_TOL, name: inverse ? 'inverse' : 'forward' });
        // v heads are copied through bit for bit.
        const stride = (shape.nHead + 2 * shape.nKvHead) * shape.headDim, vStart = (shape.nHead + shape.nKvHead) * shape.headDim;
        for (let r = 0; r < shape.B * shape.T; r++)
          expect(Array.from(got.subarray(r * stride + vStart, (r + 1) * stride))).toEqual(Array.from(x.subarray(r * stride + vStart, (r + 1) * stride)));
      }
    });
  }

  it('inverse undoes forward (the backward is the transpose rotation)', async () => {
    const shape = shapes[1];
    const x = new Rng(3).floats(size(shape));
    const back = await runRope(shape, await runRope(shape, x, false), true);
    // R(−θ)·R(θ) = I up to the f32 roundings of the two rotations (measured 2.4e-7).
    expectAllClose(back, x, { atol: 1e-6, rtol: 0, name: 'round trip' });
  });

  it('stays accurate at positions near 4096 (KV-cache offset)', async () => {
    const shape: Shape = { B: 2, T: 9, nHead: 2, nKvHead: 1, headDim: 32, base: 10000, posOffset: 4088 };
    const x = new Rng(4096).floats(size(shape));
    const got = await runRope(shape, x, false);
    const ref = ropeRef(x, shape);
    const m = mismatches(got, ref, { atol: 0, rtol: 0 });
    console.log(`[rope] max |gpu - float64| at positions 4088..4096: ${m.maxAbs.toExponential(2)}`);
    expectAllClose(got, ref, { ...FAR_TOL, name: 'far positions' });
  });

  it('backward reference (inverse rotation of the upstream gradient) matches finite differences', () => {
    const shape: Shape = { B: 1, T: 3, nHead: 2, nKvHead: 1, headDim: 4, base: 10000, posOffset: 2 };
    const rng = new Rng(8);
    const x = rng.floats(size(shape)), probe = rng.floats(size(shape));
    const grad = ropeRef(probe, { ...shape, inverse: true });
    expectAllClose(grad, numericGrad((v) => dot(ropeRef(v, shape), probe), x), { atol: 1e-8, name: 'dqkv' });
  });
});
