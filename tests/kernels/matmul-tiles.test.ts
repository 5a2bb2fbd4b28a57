// Every configuration of the generated tiled matmul family against the float64 reference, on the
// software adapters (the same code runs on GPUs; bench/gpu.ts re-checks each one there first).
import { describe, expect, it } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { expectAllClose } from '../helpers/allclose';
import { Rng } from '../../src/util/rng';
import { matmul } from '../../src/kernels/matmul';
import { matmulRef } from '../../src/kernels/matmul.ref';
import { SWEEP_CONFIGS, DEFAULT_TILE, SMALL_TILE, tileName, tileProblem, type TileConfig } from '../../src/kernels/matmul-tile-config';
import { tileMatmulWgsl } from '../../src/kernels/matmul-tile-codegen';

// As in matmul.test.ts: U(-1, 1) inputs, K ≤ 100 here; float32 rounding stays below 1e-5.
const TOL = { atol: 2e-5, rtol: 1e-5 };
const FORMS = [[false, false], [false, true], [true, false], [true, true]] as const;

/** Shapes just past one tile in M and N and two K tiles, so every boundary is partial: `scalar`
 *  has no dimension a multiple of 4 (every element-wise path), the other every vec4 path. */
function shapesFor(t: TileConfig): { M: number; N: number; K: number; what: string }[] {
  return [
    { M: t.BM + 5, N: t.BN + 3, K: 2 * t.BK + 3, what: 'scalar paths' },
    { M: t.BM + 12, N: t.BN + 8, K: 2 * t.BK + 4, what: 'vec4 paths' },
  ];
}

describe('tiled matmul family', () => {
  it('rejects configurations a device cannot run, with the reason', () => {
    const limits = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384, maxComputeWorkgroupSizeX: 256 };
    expect(tileProblem({ BM: 128, BN: 128, BK: 16, TM: 8, TN: 4, double: true }, limits)).toMatch(/512 invocations/);
    expect(tileProblem({ BM: 128, BN: 128, BK: 16, TM: 8, TN: 8, double: true }, limits)).toMatch(/32768 bytes of workgroup memory/);
    expect(tileProblem({ BM: 64, BN: 64, BK: 6, TM: 4, TN: 4, double: false }, limits)).toMatch(/BK must be/);
    expect(tileProblem({ BM: 64, BN: 64, BK: 4, TM: 4, TN: 4, double: false }, limits)).toMatch(/evenly/);
    expect(tileProblem(SMALL_TILE, limits)).toBeNull();
  });

  it('generates one accumulator per row and column quad of the invocation block', () => {
    const src = tileMatmulWgsl({ BM: 64, BN: 32, BK: 8, TM: 8, TN: 4, double: false });
    expect(src.match(/var acc\d+_\d+ = /g)).toHaveLength(8);
    expect(src).toContain('@compute @workgroup_size(NT)');
  });

  for (const tile of SWEEP_CONFIGS) {
    it(`${tileName(tile)}: all four transpose forms on partial tiles`, async () => {
      const gpu = await testGpu();
      const problem = tileProblem(tile, gpu.limits);
      if (problem) {
        // Not runnable on this adapter: matmul must say why instead of dispatching.
        const buf = gpu.buffer(16);
        const enc = gpu.encoder('matmul-tiles-test');
        expect(() => matmul(gpu, enc, { a: buf, b: buf, c: buf, M: 2, N: 2, K: 1, kernel: tile })).toThrow(problem);
        gpu.release(buf);
        return;
      }
      const rng = new Rng(tile.BM * 31 + tile.BN * 7 + tile.BK + tile.TM * 3 + tile.TN + Number(tile.double));
      const cases = shapesFor(tile).flatMap((s) => FORMS.map(([transA, transB]) => ({ ...s, transA, transB })));
      // NaN-filled C: a dispatch that never ran cannot pass for one that did.
      const runs = await gpu.scoped(tileName(tile), () => {
        const enc = gpu.encoder('matmul-tiles-test');
        const made = cases.map((c) => {
          const a = rng.floats(c.M * c.K), b = rng.floats(c.K * c.N);
          const [A, B, C] = [a, b, new Float32Array(c.M * c.N).fill(NaN)].map((x) => gpu.upload(x));
          matmul(gpu, enc, { a: A, b: B, c: C, M: c.M, N: c.N, K: c.K, transA: c.transA, transB: c.transB, kernel: tile });
          return { c, a, b, bufs: [A, B, C] };
        });
        enc.submit();
        return made;
      });
      for (const { c, a, b, bufs } of runs) {
        const name = `C, M=${c.M} N=${c.N} K=${c.K} transA=${c.transA} transB=${c.transB} (${c.what})`;
        expectAllClose(await gpu.readF32(bufs[2], c.M * c.N), matmulRef(a, b, c), { ...TOL, name });
        gpu.release(...bufs);
      }
    });
  }

  for (const tile of [DEFAULT_TILE, SMALL_TILE]) {
    it(`${tileName(tile)}: batched, accumulate and bias`, async () => {
      const gpu = await testGpu();
      const rng = new Rng(5);
      const batch = 3, M = tile.BM + 9, N = tile.BN + 6, K = tile.BK + 7;
      for (const [transA, transB] of FORMS) {
        const a = rng.floats(batch * M * K), b = rng.floats(batch * K * N), bias = rng.floats(N), c0 = rng.floats(batch * M * N);
        const [A, B, BIAS, C] = [a, b, bias, c0].map((x) => gpu.upload(x));
        await gpu.scoped(tileName(tile), () => {
          const enc = gpu.encoder('matmul-tiles-test');
          matmul(gpu, enc, { a: A, b: B, c: C, M, N, K, batch, transA, transB, accumulate: true, bias: BIAS, kernel: tile });
          enc.submit();
        });
        expectAllClose(await gpu.readF32(C, batch * M * N), matmulRef(a, b, { M, N, K, batch, transA, transB, bias, c0 }), { ...TOL, name: `C += AB + bias, transA=${transA} transB=${transB}` });
        gpu.release(A, B, BIAS, C);
      }
    });
  }
});
