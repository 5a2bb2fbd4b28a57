import { describe, it, expect } from 'vitest';
import { SftBatcher, sftEvalBatches, tokenized, countTooLong, type TokenizedExample } from '../../src/data/chat/batcher';
import { PairBatcher, pairEvalBatches, type TokenizedPair } from '../../src/data/chat/pairs';
import { splitHeldOut } from '../../src/data/chat/split';

/** An example of `n` prompt tokens (ids 10..) followed by `m` trained tokens (ids 50..). */
function ex(n: number, m: number): TokenizedExample {
  return tokenized({ ids: [...Array(n).keys()].map((i) => 10 + i).concat([...Array(m).keys()].map((i) => 50 + i)), loss: [...Array(n).fill(false), ...Array(m).fill(true)] });
}

describe('SFT batches', () => {
  it('targets are the next token where it carries loss and −1 everywhere else', () => {
    const b = new SftBatcher([ex(3, 2)], { B: 1, T: 6, packing: false, padId: 99 }, 1).next();
    // row: 10 11 12 50 51 pad pad (T + 1 = 7 tokens)
    expect([...b.inputs]).toEqual([10, 11, 12, 50, 51, 99]);
    expect([...b.targets]).toEqual([-1, -1, 50, 51, -1, -1]);
    expect(b.count).toBe(2);
  });

  it('packs whole examples into a row while they fit, and never splits one', () => {
    const examples = [ex(2, 1), ex(2, 1), ex(2, 1)]; // 3 tokens each
    const b = new SftBatcher(examples, { B: 2, T: 6, packing: true, padId: 0 }, 1).next();
    // Row 0 holds two examples (6 of 7 slots), the third starts row 1.
    expect([...b.inputs.subarray(0, 6)]).toEqual([10, 11, 50, 10, 11, 50]);
    expect([...b.targets.subarray(0, 6)]).toEqual([-1, 50, -1, -1, 50, -1]);
    expect([...b.inputs.subarray(6, 9)]).toEqual([10, 11, 50]);
    expect(b.count).toBe(4); // the 7th slot of row 0 is padding
  });

  it('cuts an example longer than a row, and counts it', () => {
    const long = ex(4, 6);
    expect(countTooLong([long, ex(1, 1)], 8)).toBe(1);
    const b = new SftBatcher([long], { B: 1, T: 8, packing: true, padId: 0 }, 1).next();
    expect([...b.inputs]).toEqual([10, 11, 12, 13, 50, 51, 52, 53]);
    expect([...b.targets]).toEqual([-1, -1, -1, 50, 51, 52, 53, 54]);
  });

  it('goes through every example once per epoch, and resumes exactly from its state', () => {
    const examples = Array.from({ length: 7 }, (_, k) => ex(1 + (k % 3), 1 + k));
    const opts = { B: 2, T: 12, packing: false, padId: 0 };
    const a = new SftBatcher(examples, opts, 5);
    const firstEpoch = [...Array(4)].map(() => a.next());
    // Example k has k + 1 trained tokens, so a row's count of targets names its example.
    const seen = firstEpoch.flatMap((b) => [0, 1].map((r) => b.targets.subarray(r * 12, r * 12 + 12).filter((t) => t >= 0).length));
    expect(seen.slice(0, 7).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const state = JSON.parse(JSON.stringify(a.state()));
    const b = SftBatcher.restore(examples, state, 0);
    for (let i = 0; i < 5; i++) expect(b.next()).toEqual(a.next());
    expect(() => SftBatcher.restore(examples.slice(1), state, 0)).toThrow(/differ from the ones this run was saved with/);
    expect(() => SftBatcher.restore(examples, { ...state, cursor: 99 }, 0)).toThrow(/not valid/);
  });

  it('held-out batches cover each example once, in order, with exact counts', () => {
    const examples = [ex(2, 3), ex(1, 1), ex(3, 2)];
    const batches = [...sftEvalBatches(examples, { B: 2, T: 8, packing: false, padId: 0 })];
    expect(batches.length).toBe(2);
    expect(batches.reduce((s, b) => s + b.count, 0)).toBe(3 + 1 + 2);
    expect(batches[1].targets.subarray(8).every((t) => t === -1)).toBe(true); // padding row
  });
});

describe('preference-pair batches', () => {
  const pair = (c: number, r: number): TokenizedPair => ({ chosen: Int32Array.from({ length: c }, (_, i) => i + 1), rejected: Int32Array.from({ length: r }, (_, i) => 100 + i) });

  it('puts chosen and rejected in rows 2p and 2p + 1 with the index of their last token', () => {
    const b = new PairBatcher([pair(3, 5)], { P: 2, T: 6, padId: 9 }, 1).next();
    expect(b.pairs).toBe(2);
    expect([...b.last]).toEqual([2, 4, 2, 4]);
    expect([...b.tokens.subarray(0, 12)]).toEqual([1, 2, 3, 9, 9, 9, 100, 101, 102, 103, 104, 9]);
  });

  it('keeps the end of a side longer than the row', () => {
    const b = [...pairEvalBatches([pair(8, 2)], { P: 1, T: 5, padId: 0 })][0];
    expect([...b.tokens.subarray(0, 5)]).toEqual([4, 5, 6, 7, 8]);
    expect([...b.last]).toEqual([4, 1]);
  });

  it('held-out batches hold every pair once; training resumes from its state', () => {
    const pairs = Array.from({ length: 5 }, (_, k) => pair(2 + k, 3));
    const evals = [...pairEvalBatches(pairs, { P: 2, T: 8, padId: 0 })];
    expect(evals.map((b) => b.pairs)).toEqual([2, 2, 1]);
    const a = new PairBatcher(pairs, { P: 2, T: 8, padId: 0 }, 3);
    a.next(); a.next();
    const b = PairBatcher.restore(pairs, JSON.parse(JSON.stringify(a.state())), 0);
    for (let i = 0; i < 4; i++) expect(b.next()).toEqual(a.next());
  });
});

describe('held-out split of a dataset', () => {
  it('is a seeded partition with at least one held-out record', () => {
    const records = [...Array(25).keys()];
    const a = splitHeldOut(records, 0.1, 4);
    expect(a.heldout.length).toBe(3); // round(2.5)
    expect([...a.train, ...a.heldout].sort((x, y) => x - y)).toEqual(records);
    expect(splitHeldOut(records, 0.1, 4)).toEqual(a);
    expect(splitHeldOut([1, 2], 0.1, 1).heldout.length).toBe(1);
    expect(splitHeldOut([1], 0.1, 1).heldout.length).toBe(0);
    expect(splitHeldOut(records, 0, 1).heldout.length).toBe(0);
    expect(() => splitHeldOut(records, 1, 1)).toThrow(/held-out fraction/);
  });
});
