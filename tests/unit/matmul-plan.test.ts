// The matmul autotuner's bookkeeping (no GPU): shape classes, the untuned heuristic, winners per
// adapter, export/import, and the timing helpers' choices.
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../src/gpu/gpu';
import { exportPlans, forceMatmulKernel, heuristicTile, importPlans, pendingShapes, planMatmul, resetPlans, setWinner, shapeClass, type MatmulShape } from '../../src/kernels/matmul-plan';
import { fastest, timingShape } from '../../src/kernels/matmul-tune';
import { DEFAULT_TILE, SMALL_TILE, TUNE_CANDIDATES } from '../../src/kernels/matmul-tile-config';

const fakeGpu = (description: string, isCpu = false) => ({ info: { description, isCpu } }) as unknown as Gpu;
const shape = (M: number, N: number, K: number, transA = false, transB = false): MatmulShape => ({ M, N, K, batch: 1, transA, transB });

describe('matmul plan', () => {
  it('groups shapes by transposes, vec4 paths and powers of two', () => {
    expect(shapeClass(shape(8192, 2304, 768, false, true))).toBe(shapeClass(shape(8192, 3072, 768, false, true)));
    expect(shapeClass(shape(8192, 768, 768, false, true))).not.toBe(shapeClass(shape(8192, 768, 768)));
    // 50257 columns: no vec4 stores, a different class from 50256.
    expect(shapeClass(shape(8192, 50257, 768, false, true))).not.toBe(shapeClass(shape(8192, 50256, 768, false, true)));
  });

  it('uses regs on CPU adapters and notes nothing there', () => {
    const gpu = fakeGpu('cpu-plan-test', true);
    expect(planMatmul(gpu, shape(64, 64, 64))).toBe('regs');
    expect(pendingShapes(gpu)).toEqual([]);
  });

  it('uses the heuristic tile until tuned, then the winner, per adapter', () => {
    const gpu = fakeGpu('gpu-plan-test');
    const other = fakeGpu('other-gpu-plan-test');
    resetPlans(gpu); resetPlans(other);
    const s = shape(8192, 768, 3072);
    expect(planMatmul(gpu, s)).toEqual(heuristicTile(s));
    expect(planMatmul(gpu, shape(8000, 800, 3000))).toEqual(heuristicTile(s));  // same class: noted once
    expect(pendingShapes(gpu)).toEqual([s]);
    setWinner(gpu, s, TUNE_CANDIDATES[1]);
    expect(planMatmul(gpu, shape(8000, 800, 3000))).toEqual(TUNE_CANDIDATES[1]);
    expect(pendingShapes(gpu)).toEqual([]);
    expect(planMatmul(other, s)).toEqual(heuristicTile(s));
  });

  it('a forced kernel (benchmarks) overrides the plan until cleared, on that adapter only', () => {
    const gpu = fakeGpu('forced-plan-test', true);
    forceMatmulKernel(gpu, 'tiled');
    expect(planMatmul(gpu, shape(64, 64, 64))).toBe('tiled');
    expect(planMatmul(fakeGpu('unforced-plan-test', true), shape(64, 64, 64))).toBe('regs');
    forceMatmulKernel(gpu, null);
    expect(planMatmul(gpu, shape(64, 64, 64))).toBe('regs');
  });

  it('prefers small tiles for outputs that give few workgroups', () => {
    expect(heuristicTile(shape(8192, 3072, 768))).toEqual(DEFAULT_TILE);
    expect(heuristicTile(shape(768, 768, 8192, true))).toEqual(SMALL_TILE);
  });

  it('exports winners and imports them back; rejects malformed input with a reason', () => {
    const gpu = fakeGpu('export-plan-test');
    resetPlans(gpu);
    const s = shape(4096, 4096, 4096);
    setWinner(gpu, s, TUNE_CANDIDATES[2]);
    const saved = JSON.parse(JSON.stringify(exportPlans()));
    resetPlans(gpu);
    importPlans(saved);
    expect(planMatmul(gpu, s)).toEqual(TUNE_CANDIDATES[2]);
    expect(() => importPlans({ version: 2, adapters: {} })).toThrow(/version: 1/);
    expect(() => importPlans({ version: 1, adapters: { x: { k: { BM: 'big' } } } })).toThrow(/x \/ k is malformed/);
  });
});

describe('matmul tuning helpers', () => {
  it('picks the fastest, the first on ties', () => {
    const [a, b, c] = TUNE_CANDIDATES;
    expect(fastest([{ tile: a, ms: 2 }, { tile: b, ms: 1 }, { tile: c, ms: 1 }]).tile).toBe(b);
    expect(() => fastest([])).toThrow(/no candidate/);
  });

  it('times huge products on fewer rows, within the scratch cap', () => {
    const head = shape(8192, 50257, 768, false, true);
    const t = timingShape(head, 256 * 2 ** 20);
    expect([t.N, t.K]).toEqual([50257, 768]);
    expect(t.M * t.N * 4).toBeLessThanOrEqual(256 * 2 ** 20);
    expect(t.M).toBeGreaterThanOrEqual(512);
    // A weight larger than the cap: columns are cut too, keeping the shape class's vec4 paths.
    const small = timingShape(head, 64 * 2 ** 20);
    expect(small.N * small.K * 4).toBeLessThanOrEqual(64 * 2 ** 20);
    expect(small.N % 4).toBe(50257 % 4);
    expect(shapeClass(small).slice(0, 7)).toBe(shapeClass(head).slice(0, 7));
    expect(timingShape(shape(8192, 768, 768), 128 * 2 ** 20)).toEqual(shape(8192, 768, 768));
  });
});
