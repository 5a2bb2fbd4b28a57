// |actual - expected| <= atol + rtol * |expected|, elementwise, reporting the first mismatches.
import { expect } from 'vitest';

export interface CloseOpts { atol?: number; rtol?: number; name?: string; show?: number }

export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4, show = 8 }: CloseOpts = {}): { count: number; maxAbs: number; lines: string[] } {
  const lines: string[] = [];
  let count = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const diff = Math.abs(a - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      count++;
      if (lines.length < show) lines.push(`  [${i}] got ${a}, want ${e} (|diff| ${diff.toExponential(2)})`);
    }
    if (Number.isFinite(diff)) maxAbs = Math.max(maxAbs, diff);
    else maxAbs = Infinity;
  }
  return { count, maxAbs, lines };
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOpts = {}): void {
  const name = opts.name ?? 'values';
  expect(actual.length, `${name}: length`).toBe(expected.length);
  expect(expected.length, `${name}: nothing to compare`).toBeGreaterThan(0);
  const m = mismatches(actual, expected, opts);
  if (m.count > 0) {
    const msg = `${name}: ${m.count}/${expected.length} mismatches (atol ${opts.atol ?? 1e-5}, rtol ${opts.rtol ?? 1e-4}, max |diff| ${m.maxAbs.toExponential(2)}):\n${m.lines.join('\n')}`;
    expect.fail(msg);
  }
}
