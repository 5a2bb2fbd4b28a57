import { describe, expect, it } from 'vitest';
import { Batcher, tokenChecksum } from '../../src/data/batcher';
import { evalBatchCount, evalBatches, IGNORE_TARGET } from '../../src/data/eval-batches';
import { splitTokens } from '../../src/data/split';

/** Token i has id i, so a window's ids reveal where it starts. */
const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe('splitTokens', () => {
  it('puts the last fraction in validation, as views on token boundaries', () => {
    const tokens = iota(1001);
    const { train, val } = splitTokens(tokens, 0.1);
    expect(val.length).toBe(100);
    expect(train.length + val.length).toBe(1001);
    expect(train[train.length - 1] + 1).toBe(val[0]);
    expect(train.buffer).toBe(tokens.buffer);
    expect(splitTokens(tokens, 0).val.length).toBe(0);
    expect(splitTokens(new Int32Array(10), 0.25).train).toBeInstanceOf(Int32Array);
    for (const f of [-0.1, 1, NaN]) expect(() => splitTokens(tokens, f)).toThrow(RangeError);
  });
});

describe('Batcher', () => {
  it('gives B windows of T tokens with targets shifted by one, at varied offsets covering the range', () => {
    const n = 40, B = 4, T = 7;
    const batcher = new Batcher(iota(n), { B, T, seed: 1 });
    const starts = new Set<number>();
    for (let step = 0; step < 200; step++) {
      const { inputs, targets } = batcher.next();
      expect(inputs).toBeInstanceOf(Int32Array);
      expect(inputs.length).toBe(B * T);
      expect(targets.length).toBe(B * T);
      const rowStarts = Array.from({ length: B }, (_, b) => inputs[b * T]);
      rowStarts.forEach((s) => starts.add(s));
      expect(Array.from(inputs)).toEqual(rowStarts.flatMap((s) => Array.from({ length: T }, (_, t) => s + t)));
      expect(Array.from(targets)).toEqual(rowStarts.flatMap((s) => Array.from({ length: T }, (_, t) => s + t + 1)));
    }
    // Every start in [0, n − T) has T + 1 tokens; all of them get drawn, none past the end.
    expect([...starts].sort((a, b) => a - b)).toEqual(Array.from({ length: n - T }, (_, i) => i));
  });

  it('is deterministic per seed', () => {
    const tokens = iota(1000);
    const a = new Batcher(tokens, { B: 2, T: 5, seed: 3 });
    const b = new Batcher(tokens, { B: 2, T: 5, seed: 3 });
    const c = new Batcher(tokens, { B: 2, T: 5, seed: 4 });
    const [x, y, z] = [a.next(), b.next(), c.next()];
    expect(x).toEqual(y);
    expect(x.inputs).not.toEqual(z.inputs);
  });

  it('resumes the exact same data order from a saved state (through JSON)', () => {
    const tokens = iota(5000);
    const original = new Batcher(tokens, { B: 3, T: 16, seed: 42 });
    for (let i = 0; i < 5; i++) original.next();
    const saved = JSON.parse(JSON.stringify(original.state()));
    const resumed = Batcher.restore(tokens, saved);
    for (let i = 0; i < 10; i++) expect(resumed.next()).toEqual(original.next());
    expect(resumed.state()).toEqual(original.state());
  });

  it('refuses to resume on different data or from a malformed state', () => {
    const tokens = iota(100);
    const state = new Batcher(tokens, { B: 1, T: 4, seed: 1 }).state();
    expect(state.checksum).toBe(tokenChecksum(tokens));
    const edited = tokens.slice();
    edited[50] = 7;
    expect(() => Batcher.restore(edited, state)).toThrow(/training data differ/);
    expect(() => Batcher.restore(tokens.subarray(1), state)).toThrow(/training data differ/);
    for (const bad of [null, {}, { ...state, version: 2 }, { ...state, rng: -1 }, { ...state, T: 1.5 }]) {
      expect(() => Batcher.restore(tokens, bad)).toThrow(/not valid/);
    }
  });

  it('rejects text too short for one window and bad sizes', () => {
    expect(() => new Batcher(iota(8), { B: 1, T: 8, seed: 0 })).toThrow(/has 8 tokens, but one window needs 9/);
    expect(() => new Batcher(iota(9), { B: 1, T: 8, seed: 0 })).not.toThrow();
    expect(() => new Batcher(iota(100), { B: 0, T: 8, seed: 0 })).toThrow(RangeError);
    expect(() => new Batcher(iota(100), { B: 2, T: 2.5, seed: 0 })).toThrow(RangeError);
  });
});

describe('evalBatches', () => {
  it('predicts every target of the split exactly once, in order, padding with ignored targets', () => {
    for (const [n, B, T] of [[2, 1, 1], [50, 3, 7], [64, 2, 9], [43, 3, 7], [1000, 4, 31]]) {
      const tokens = iota(n).map((i) => (i * 37) % 101);
      const batches = [...evalBatches(tokens, { B, T })];
      expect(batches.length).toBe(evalBatchCount(n, B, T));
      const seenInputs: number[] = [], seenTargets: number[] = [];
      let count = 0;
      for (const { inputs, targets, count: c } of batches) {
        expect(inputs.length).toBe(B * T);
        let real = 0;
        targets.forEach((t, i) => {
          if (t === IGNORE_TARGET) return;
          real++;
          seenInputs.push(inputs[i]);
          seenTargets.push(t);
        });
        expect(c).toBe(real);
        count += c;
      }
      expect(count).toBe(n - 1);
      expect(seenInputs).toEqual(Array.from(tokens.subarray(0, n - 1)));
      expect(seenTargets).toEqual(Array.from(tokens.subarray(1)));
    }
  });

  it('is the same every time, and maxBatches takes the first batches', () => {
    const tokens = iota(300);
    const all = [...evalBatches(tokens, { B: 2, T: 10 })];
    expect([...evalBatches(tokens, { B: 2, T: 10 })]).toEqual(all);
    expect([...evalBatches(tokens, { B: 2, T: 10, maxBatches: 3 })]).toEqual(all.slice(0, 3));
  });

  it('needs at least two tokens', () => {
    expect(() => [...evalBatches(iota(1), { B: 1, T: 4 })]).toThrow(RangeError);
  });
});
