import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/util/rng';
import { drawItems, evalItems, isExactMatch, normaliseAnswer, preferencePairs, sftExamples, splitOf, taskFamilies, TASK_NAMES } from '../../src/tasks';
import { makeWorld, worldFacts } from '../../src/data/world';

describe('built-in tasks', () => {
  it('are deterministic per seed', () => {
    const f = taskFamilies('all');
    expect(sftExamples(f, 50, 4)).toEqual(sftExamples(taskFamilies('all'), 50, 4));
    expect(sftExamples(f, 50, 4)).not.toEqual(sftExamples(f, 50, 5));
    expect(preferencePairs(f, { split: 'heldout', count: 30, seed: 2 })).toEqual(preferencePairs(taskFamilies('all'), { split: 'heldout', count: 30, seed: 2 }));
  });

  it('keep train and held-out disjoint for every family, whatever the seeds', () => {
    for (const name of TASK_NAMES) {
      const families = taskFamilies(name);
      const train = new Set(drawItems(families, { split: 'train', count: 400, seed: 1 }).map((i) => i.key));
      const held = drawItems(families, { split: 'heldout', count: 100, seed: 2 });
      expect(held.length, name).toBeGreaterThan(0);
      for (const it of held) expect(train.has(it.key), `${name}: ${it.key}`).toBe(false);
      expect(new Set(held.map((i) => i.key)).size).toBe(held.length); // held-out questions are unique
    }
  });

  it('give correct answers', () => {
    for (const it of drawItems(taskFamilies('arithmetic'), { split: 'train', count: 200, seed: 3 })) {
      const [, a, op, b] = /^What is (\d+) ([+-]) (\d+)\?$/.exec(it.prompt)!;
      expect(Number(it.answer)).toBe(op === '+' ? Number(a) + Number(b) : Number(a) - Number(b));
      expect(Number(it.answer)).toBeGreaterThanOrEqual(0);
    }
    for (const it of drawItems(taskFamilies('strings'), { split: 'train', count: 300, seed: 3 })) {
      let m: RegExpExecArray | null;
      if ((m = /^Reverse ([a-z]+)$/.exec(it.prompt))) expect(it.answer).toBe([...m[1]].reverse().join(''));
      else if ((m = /^Sort ([a-z]+)$/.exec(it.prompt))) expect(it.answer).toBe([...m[1]].sort().join(''));
      else {
        m = /^How many ([a-z]) in ([a-z]+)\?$/.exec(it.prompt);
        expect(m, it.prompt).not.toBeNull();
        expect(Number(it.answer)).toBe([...m![2]].filter((c) => c === m![1]).length);
      }
    }
    const facts = worldFacts(makeWorld());
    for (const it of drawItems(taskFamilies('world'), { split: 'train', count: 100, seed: 3 }))
      expect(facts.find((f) => f.question === it.prompt)?.answer).toBe(it.answer);
  });

  it('make rejected answers that are wrong but close', () => {
    for (const name of ['arithmetic', 'reverse', 'sort', 'count', 'world']) {
      for (const p of preferencePairs(taskFamilies(name), { split: 'train', count: 200, seed: 9 })) {
        const good = p.chosen[1].content, bad = p.rejected[1].content;
        expect(p.chosen[0]).toEqual(p.rejected[0]);
        expect(isExactMatch(bad, good), `${name}: ${good} vs ${bad}`).toBe(false);
        if (name === 'arithmetic') {
          expect(bad.length).toBe(good.length); // one digit off by one
          expect([...bad].filter((c, i) => c !== good[i]).length).toBe(1);
        }
        if (name === 'reverse' || name === 'sort') expect(bad.length).toBe(good.length);
        if (name === 'count') expect(Math.abs(Number(bad) - Number(good))).toBe(1);
      }
    }
  });

  it('held-out evaluation items carry their answer, and the grader normalises', () => {
    const items = evalItems(taskFamilies('world'), 1000, 1);
    expect(items.length).toBeGreaterThan(5);
    expect(items.length).toBeLessThan(worldFacts(makeWorld()).length); // only the held-out facts
    expect(normaliseAnswer('  A Cat. ')).toBe('cat');
    expect(isExactMatch('An   apple!', 'apple')).toBe(true);
    expect(isExactMatch('ztqk', 'ztkq')).toBe(false);
    expect(isExactMatch('42', '42.')).toBe(true);
  });

  it('split problems about one in five into held-out, by key only', () => {
    const rng = new Rng(1);
    let held = 0;
    for (let i = 0; i < 5000; i++) if (splitOf(`k${rng.int(1e9)}`) === 'heldout') held++;
    expect(held / 5000).toBeGreaterThan(0.17);
    expect(held / 5000).toBeLessThan(0.23);
    expect(() => taskFamilies('poetry')).toThrow(/Unknown built-in task "poetry"/);
  });
});
