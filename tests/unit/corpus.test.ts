import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_BYTES, generateCorpus } from '../../src/data/corpus';
import { unigramEntropy } from '../../src/data/entropy';
import { makeWorld, worldFacts, type World } from '../../src/data/world';

const SMALL = 200_000;

function person(world: World, name: string) {
  const p = world.people.find((q) => q.name === name);
  expect(p, `unknown person ${name}`).toBeDefined();
  return p!;
}

describe('world', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(makeWorld(3)).toEqual(makeWorld(3));
    expect(makeWorld(3)).not.toEqual(makeWorld(4));
  });

  it('has distinct facts, mutual best friends, and residents in every town', () => {
    for (const seed of [1, 2, 3, 99]) {
      const w = makeWorld(seed);
      for (const key of ['name', 'colour', 'food'] as const) {
        expect(new Set(w.people.map((p) => p[key])).size).toBe(w.people.length);
      }
      expect(new Set(w.people.map((p) => p.pet.name)).size).toBe(w.people.length);
      expect(new Set(w.people.map((p) => p.job.title)).size).toBe(w.people.length);
      for (const p of w.people) {
        expect(p.friend).not.toBe(p.name);
        expect(person(w, p.friend).friend).toBe(p.name);
      }
      for (const t of w.towns) expect(w.people.filter((p) => p.home === t.name).length).toBeGreaterThanOrEqual(2);
      expect(worldFacts(w)).toHaveLength(8 * w.people.length + 3 * w.towns.length);
    }
  });
});

describe('generateCorpus', () => {
  it('is deterministic, ASCII, within the size bound, and longer corpora extend shorter ones', () => {
    const a = generateCorpus({ seed: 7, bytes: SMALL });
    expect(generateCorpus({ seed: 7, bytes: SMALL })).toBe(a);
    expect(generateCorpus({ seed: 8, bytes: SMALL })).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(SMALL);
    expect(a.length).toBeGreaterThan(SMALL - 1000);
    expect(/^[\x20-\x7e\n]*$/.test(a)).toBe(true);
    expect(a.endsWith('\n')).toBe(true);
    const b = generateCorpus({ seed: 7, bytes: 2 * SMALL });
    expect(b.startsWith(a.slice(0, -1))).toBe(true);
  });

  it('generates the default ~1.5 MB well under a second', () => {
    const t0 = performance.now();
    const text = generateCorpus();
    const ms = performance.now() - t0;
    expect(text.length).toBeGreaterThan(DEFAULT_CORPUS_BYTES - 1000);
    expect(text.length).toBeLessThanOrEqual(DEFAULT_CORPUS_BYTES);
    // Typically ~70 ms; generous because test machines are shared.
    expect(ms).toBeLessThan(1000);
  });

  it('rejects sizes too small to hold a paragraph', () => {
    expect(() => generateCorpus({ bytes: 100 })).toThrow(RangeError);
  });

  it('only ever states facts of its world', () => {
    const seed = 11;
    const world = makeWorld(seed);
    const text = generateCorpus({ seed, bytes: SMALL });
    const who = `\\b(${world.people.map((p) => p.name).join('|')})`;
    const re = (source: string) => new RegExp(source.replace('WHO', who), 'g');
    const checks: [RegExp, (m: RegExpMatchArray) => void][] = [
      [re('WHO lives in (\\w+)\\.'), (m) => expect(person(world, m[1]).home).toBe(m[2])],
      [re('WHO has an? (\\w+) (?:called|named) (\\w+)\\.'), (m) => expect(person(world, m[1]).pet).toEqual({ kind: m[2], name: m[3] })],
      [re("WHO's best friend is (\\w+)\\."), (m) => expect(person(world, m[1]).friend).toBe(m[2])],
      [re('WHO loves to eat (\\w+)\\.'), (m) => expect(person(world, m[1]).food).toBe(m[2])],
      [re('WHO works as an? (\\w+)\\.'), (m) => expect(person(world, m[1]).job.title).toBe(m[2])],
      [re('WHO is (\\d+) years old\\.'), (m) => expect(person(world, m[1]).age).toBe(Number(m[2]))],
      [re('Next year, WHO will be (\\d+)\\.'), (m) => expect(person(world, m[1]).age + 1).toBe(Number(m[2]))],
      [re('WHO likes (\\w+) more than any other colour\\.'), (m) => expect(person(world, m[1]).colour).toBe(m[2])],
      [re('WHO cooked (\\w+) for (\\w+), because'), (m) => expect(person(world, m[3]).food).toBe(m[2])],
      [/([A-Z]\w+) is known for its (\w+)\./g, (m) => expect(world.towns.find((t) => t.name === m[1])?.knownFor).toBe(m[2])],
    ];
    for (const [pattern, check] of checks) {
      const matches = [...text.matchAll(pattern)];
      expect(matches.length, `no sentence matches ${pattern}`).toBeGreaterThan(10);
      for (const m of matches) check(m);
    }
  });

  it('has correct arithmetic and all three kinds of paragraph', () => {
    const text = generateCorpus({ seed: 2, bytes: SMALL });
    const sums = [...text.matchAll(/^(\d+) ([-+*]) (\d+) = (\d+)\.$/gm)];
    expect(sums.length).toBeGreaterThan(500);
    for (const [, a, op, b, c] of sums) {
      const [x, y] = [Number(a), Number(b)];
      expect(op === '+' ? x + y : op === '-' ? x - y : x * y).toBe(Number(c));
    }
    expect(text).toMatch(/^Counting by \d+ from \d+: \d+(, \d+)+\.$/m);
    expect(text).toMatch(/^The people of \w+ are \w+( and \w+|, \w+)*\.$/m);
    expect(text).toMatch(/^This is a story about \w+\./m);
  });
});

describe('unigramEntropy', () => {
  it('measures nats per token; strings as UTF-8 bytes', () => {
    expect(unigramEntropy([1, 2, 3, 4])).toBeCloseTo(Math.log(4), 12);
    expect(unigramEntropy(new Uint32Array([5, 5, 5]))).toBe(0);
    expect(unigramEntropy([])).toBe(0);
    expect(unigramEntropy([0, 0, 0, 1])).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 12);
    expect(unigramEntropy('abab')).toBeCloseTo(Math.log(2), 12);
    expect(unigramEntropy('é')).toBeCloseTo(Math.log(2), 12); // two distinct bytes
  });

  it('of the default corpus, byte-level, is that of English-like text', () => {
    const h = unigramEntropy(generateCorpus());
    // English text has about 4.1–4.7 bits per byte; this corpus's narrower vocabulary sits in that range.
    expect(h / Math.LN2).toBeGreaterThan(4);
    expect(h / Math.LN2).toBeLessThan(5);
  });
});
