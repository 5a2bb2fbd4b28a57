import { describe, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { residualForward, residualBackward } from '../../src/kernels/residual';
import { residualForwardRef, residualBackwardRef } from '../../src/kernels/residual.ref';

describe('residual', () => {
  for (const n of [1, 257, 1000, 70001]) {
    it(`forward and backward match the reference, n=${n}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(n);
      const a = rng.floats(n), b = rng.floats(n), g = rng.floats(n);
      const da0 = rng.floats(n), db0 = rng.floats(n);
      const alpha = 0.75;
      const [A, B, G, O, DA, DB] = [a, b, g, new Float32Array(n), da0, db0].map((x) => gpu.upload(x));
      const enc = gpu.encoder('residual-test');
      residualForward(gpu, enc, A, B, O, n, alpha);
      residualBackward(gpu, enc, G, DA, DB, n, alpha);
      enc.submit();
      const ref = residualForwardRef(a, b, alpha);
      expectAllClose(await gpu.readF32(O, n), ref, { name: 'out' });
      const inc = residualBackwardRef(g, alpha);
      expectAllClose(await gpu.readF32(DA, n), inc.da.map((v, i) => v + da0[i]), { name: 'da' });
      expectAllClose(await gpu.readF32(DB, n), inc.db.map((v, i) => v + db0[i]), { name: 'db' });
      gpu.release(A, B, G, O, DA, DB);
    });
  }

  it('backward reference matches finite differences', () => {
    const rng = new Rng(7);
    const n = 13, alpha = -1.3;
    const a = rng.floats(n), b = rng.floats(n), probe = rng.floats(n);
    const { da, db } = residualBackwardRef(probe, alpha);
    expectAllClose(da, numericGrad((x) => dot(residualForwardRef(x, b, alpha), probe), a), { atol: 1e-7, name: 'da' });
    expectAllClose(db, numericGrad((x) => dot(residualForwardRef(a, x, alpha), probe), b), { atol: 1e-7, name: 'db' });
  });
});
