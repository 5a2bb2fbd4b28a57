import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { numericGrad, dot } from '../helpers/finite-diff';
import { Rng } from '../../src/util/rng';
import { softmaxForward, softmaxBackward } from '../../src/kernels/softmax';
import { rowVariants } from '../../src/kernels/reduce';
import { softmaxForwardRef, softmaxBackwardRef } from '../../src/kernels/softmax.ref';

// Logits ~ N(0, 3²), with one row scaled ×30 (large spread) and one shifted by +1000 (where a
// softmax without the max subtraction overflows).
function logits(rng: Rng, rows: number, cols: number): Float32Array {
  const x = rng.normals(rows * cols, 3);
  for (let c = 0; c < cols; c++) {
    if (rows > 1) x[cols + c] *= 30;
    if (rows > 2) x[2 * cols + c] += 1000;
  }
  return x;
}

describe('softmax', () => {
  // Every row geometry the device has (rowVariants) runs every case. Widths: scalar (cols % 4 ≠ 0)
  // and vec4 packs (128, 132 = 33 packs: just past a tree step; 2500: a workgroup per row in the
  // tree); rows around a thread workgroup (32) and a subgroup workgroup (16).
  for (const [rows, cols] of [[1, 1], [37, 45], [65, 300], [4, 385], [3, 2500], [300, 3], [33, 128], [17, 132], [31, 4]]) {
    it(`forward and backward match the reference, rows=${rows} cols=${cols}`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(rows * 1000 + cols);
      const n = rows * cols;
      const x = logits(rng, rows, cols), dy = rng.normals(n);
      const [X, Y, DY, DX] = [x, new Float32Array(n), dy, new Float32Array(n)].map((a) => gpu.upload(a));
      for (const variant of rowVariants(gpu)) {
        await gpu.scoped('softmax', () => {
          const enc = gpu.encoder('softmax-test');
          enc.clear(Y).clear(DX);
          softmaxForward(gpu, enc, { x: X, y: Y, rows, cols, variant });
          softmaxBackward(gpu, enc, { y: Y, dy: DY, dx: DX, rows, cols, variant });
          enc.submit();
        });
        const y = await gpu.readF32(Y, n);
        // exp is accurate to a few ulp and the row sum adds rounding: measured ≤ 9e-7 relative on
        // both adapters; 5e-6 (~80 ulp) leaves headroom. The atol covers probabilities that underflow.
        expectAllClose(y, softmaxForwardRef(x, rows, cols), { atol: 1e-9, rtol: 5e-6, name: `y (${variant})` });
        // Backward is checked on the GPU's own y (f32), so only the backward's rounding is measured.
        // dx = y·(dy − dot) cancels when dy ≈ dot, so the bound is absolute: ~ulp(|dy| ~ 1) · y,
        // measured ≤ 7e-8.
        expectAllClose(await gpu.readF32(DX, n), softmaxBackwardRef(y, dy, rows, cols), { atol: 3e-7, rtol: 1e-5, name: `dx (${variant})` });
      }
      gpu.release(X, Y, DY, DX);
    });
  }

  it('backward reference matches finite differences', () => {
    const rng = new Rng(11);
    const rows = 3, cols = 7;
    const x = rng.normals(rows * cols, 2), probe = rng.normals(rows * cols);
    const y = softmaxForwardRef(x, rows, cols);
    const numeric = numericGrad((v) => dot(softmaxForwardRef(v, rows, cols), probe), x);
    expect(numeric.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expectAllClose(softmaxBackwardRef(y, probe, rows, cols), numeric, { atol: 1e-8, rtol: 1e-6, name: 'dx' });
  });
});
