// The classical tasks: right answers, held-out splits by passage that never leak into SFT or train
// pairs, corrupted answers of each kind, and graders with partial credit usable as RL rewards.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadClassical, passagesOf, chapterLabel, type ClassicalCorpus } from '../../src/data/classical/corpus';
import { hanText, poemLines } from '../../src/data/classical/han';
import { drawItems, evalItems, gradeReply, isExactMatch, loadTaskFamilies, preferencePairs, sftExamples, splitOf, taskFamilies, ALL_TASK_NAMES, type TaskFamily } from '../../src/tasks';
import { classicalFamilies, CLASSICAL_TASK_NAMES } from '../../src/tasks/classical';
import { CONTINUE_PREFIX } from '../../src/tasks/classical/analects';
import { NEXT_LINE_PREFIX } from '../../src/tasks/classical/tang';
import { SOURCE_PREFIX, excerpt } from '../../src/tasks/classical/source';
import { passageKey, poemKey } from '../../src/tasks/classical/keys';
import { builtinTask } from '../../src/train/rl/tasks';

let corpus: ClassicalCorpus;
let families: Record<'continue' | 'line' | 'source', TaskFamily>;
beforeAll(async () => {
  corpus = await loadClassical();
  const [a, b, c] = classicalFamilies('classical', corpus);
  families = { continue: a, line: b, source: c };
});

const strip = (prompt: string, prefix: string) => { expect(prompt.startsWith(prefix), prompt).toBe(true); return prompt.slice(prefix.length); };

describe('classical tasks: problems', () => {
  it('are found by name, and need loading first', async () => {
    expect(ALL_TASK_NAMES).toEqual(expect.arrayContaining([...CLASSICAL_TASK_NAMES, 'all', 'world']));
    expect((await loadTaskFamilies('classical')).map((f) => f.name)).toEqual(['analects-continue', 'tang-next-line', 'classical-source']);
    expect((await loadTaskFamilies('tang-next-line')).map((f) => f.name)).toEqual(['tang-next-line']);
    expect((await loadTaskFamilies('arithmetic')).map((f) => f.name)).toEqual(['arithmetic']);
    expect(() => taskFamilies('classical')).toThrow(/loads on demand: use loadTaskFamilies\("classical"\)/);
    await expect(loadTaskFamilies('odes')).rejects.toThrow(/Unknown built-in task "odes".*classical-source/);
  });

  it('continue a passage: opening + answer is the passage, and no other passage opens the same way', () => {
    const texts = passagesOf(corpus.books.filter((b) => b.id === 'analects')).map((p) => p.text);
    const letters = texts.map(hanText);
    const items = drawItems([families.continue], { split: 'train', count: 400, seed: 1 });
    for (const it of items) {
      const opening = strip(it.prompt, CONTINUE_PREFIX);
      const whole = opening + it.answer;
      expect(texts).toContain(whole);
      expect(it.key).toBe(passageKey(whole));
      expect(hanText(it.answer).length).toBeGreaterThanOrEqual(2);
      expect(hanText(whole).length).toBeLessThanOrEqual(40);
      expect([...it.answer].length).toBeLessThanOrEqual(20);
      const rivals = letters.filter((t) => t !== hanText(whole) && t.startsWith(hanText(opening)));
      expect(rivals, opening).toEqual([]);
    }
    expect(new Set(items.map((i) => i.key)).size).toBeGreaterThan(150);
  });

  it('ask for the line that follows the prompt in its poem', () => {
    for (const it of drawItems([families.line], { split: 'train', count: 300, seed: 2 })) {
      const shown = strip(it.prompt, NEXT_LINE_PREFIX);
      const poem = corpus.poems.find((p) => poemKey(p) === it.key)!;
      expect(poem.text).toContain(shown + it.answer);
      const lines = poemLines(poem.text);
      expect(lines).toContain(it.answer);
      expect(poemLines(shown).length).toBeGreaterThanOrEqual(1);
      expect(poemLines(shown).length).toBeLessThanOrEqual(2);
      expect([5, 7]).toContain(hanText(it.answer).length);
    }
  });

  it('ask for the chapter of an excerpt, and only of excerpts with one answer', () => {
    const all = passagesOf(corpus.books).map((p) => ({ ...p, shown: excerpt(p.text, 32) }));
    const labels = new Set(corpus.books.flatMap((b) => b.chapters.map((c) => chapterLabel(b, c))));
    for (const it of drawItems([families.source], { split: 'train', count: 300, seed: 3 })) {
      const shown = strip(it.prompt, SOURCE_PREFIX);
      const from = all.filter((p) => p.shown === shown);
      expect(from.length, shown).toBeGreaterThan(0);
      expect(new Set(from.map((p) => chapterLabel(p.book, p.chapter)))).toEqual(new Set([it.answer]));
      expect(labels.has(it.answer)).toBe(true);
      expect(hanText(shown).length).toBeGreaterThanOrEqual(6);
      expect(hanText(shown).length).toBeLessThanOrEqual(32);
    }
    expect(excerpt('甲乙丙，丁戊己，庚辛壬癸。', 7)).toBe('甲乙丙，丁戊己，');
    expect(excerpt('甲乙丙丁戊己庚辛壬癸。', 4)).toBe('甲乙丙丁');
  });

  it('are deterministic per seed', async () => {
    const again = await loadTaskFamilies('classical');
    const f = Object.values(families);
    expect(sftExamples(f, 60, 4)).toEqual(sftExamples(again, 60, 4));
    expect(sftExamples(f, 60, 4)).not.toEqual(sftExamples(f, 60, 5));
    expect(preferencePairs(f, { split: 'train', count: 60, seed: 6 })).toEqual(preferencePairs(again, { split: 'train', count: 60, seed: 6 }));
  });
});

describe('classical tasks: held-out split by passage', () => {
  it('keeps train and held-out disjoint, and a passage in one split across tasks', () => {
    for (const f of Object.values(families)) {
      const train = new Set(drawItems([f], { split: 'train', count: 2000, seed: 1 }).map((i) => i.key));
      const held = drawItems([f], { split: 'heldout', count: 2000, seed: 2 });
      expect(held.length, f.name).toBeGreaterThan(40);
      expect(held.length / f.size!).toBeGreaterThan(0.12);
      expect(held.length / f.size!).toBeLessThan(0.28);
      for (const it of held) expect(train.has(it.key), it.key).toBe(false);
      expect(new Set(held.map((i) => i.key)).size).toBe(held.length);
    }
    // The continuation and source tasks share Analects passages: the same passage, the same split.
    const heldContinue = new Set(drawItems([families.continue], { split: 'heldout', count: 2000, seed: 3 }).map((i) => i.key));
    const trainSource = drawItems([families.source], { split: 'train', count: 5000, seed: 4 }).map((i) => i.key);
    expect(trainSource.filter((k) => heldContinue.has(k))).toEqual([]);
    const heldSource = drawItems([families.source], { split: 'heldout', count: 2000, seed: 5 }).map((i) => i.key);
    expect(heldSource.filter((k) => heldContinue.has(k)).length).toBeGreaterThan(40); // the same passages, held out in both
  });

  it('never lets a held-out passage or poem into SFT examples or train preference pairs', () => {
    const passages = passagesOf(corpus.books).map((p) => hanText(p.text));
    const trainPassages = passages.filter((t) => splitOf(passageKey(t)) === 'train');
    const heldPassages = passages.filter((t) => splitOf(passageKey(t)) === 'heldout');
    const trainPoems = corpus.poems.filter((p) => splitOf(poemKey(p)) === 'train').map((p) => p.text);
    const heldPoems = corpus.poems.filter((p) => splitOf(poemKey(p)) === 'heldout').map((p) => p.text);
    expect(heldPassages.length).toBeGreaterThan(100);
    expect(heldPoems.length).toBeGreaterThan(800);
    // One string per split, passages and poems separated by a mark no text contains.
    const heldText = [...heldPassages, ...heldPoems.map(hanText)].join('|');
    const trainText = [...trainPassages, ...trainPoems.map(hanText)].join('|');
    /** Text that only held-out passages or poems contain: a leak. */
    const leaks = (s: string) => {
      const h = hanText(s);
      return h.length >= 4 && heldText.includes(h) && !trainText.includes(h);
    };
    expect(leaks(heldPassages.find((t) => !trainText.includes(t))!)).toBe(true); // the check can fail
    const f = Object.values(families);
    const sft = sftExamples(f, 3000, 11);
    expect(sft.length).toBe(3000);
    for (const ex of sft) {
      const [q, a] = ex.messages.map((m) => m.content);
      const body = q.slice(3); // the prefix (下文：/下句：/出自：) is three characters
      expect(leaks(body), q).toBe(false);
      expect(leaks(a), a).toBe(false);
      if (q.startsWith(CONTINUE_PREFIX)) expect(trainPassages).toContain(hanText(body + a));
    }
    for (const p of preferencePairs(f, { split: 'train', count: 3000, seed: 12 })) {
      expect(leaks(p.chosen[0].content.slice(3))).toBe(false);
      expect(leaks(p.chosen[1].content), p.chosen[1].content).toBe(false);
      expect(leaks(p.rejected[1].content), p.rejected[1].content).toBe(false);
    }
    // The held-out evaluation holds only held-out passages and poems.
    for (const it of drawItems(f, { split: 'heldout', count: 500, seed: 13 })) expect(splitOf(it.key)).toBe('heldout');
    expect(evalItems(f, 500, 13).map((e) => e.answer)).toEqual(drawItems(f, { split: 'heldout', count: 500, seed: 13 }).map((i) => i.answer));
  });
});

describe('classical tasks: preference pairs', () => {
  const kinds = (f: TaskFamily, classify: (good: string, bad: string) => string, count = 600) => {
    const seen = new Map<string, number>();
    for (const p of preferencePairs([f], { split: 'train', count, seed: 21 })) {
      const good = p.chosen[1].content, bad = p.rejected[1].content;
      expect(p.chosen[0]).toEqual(p.rejected[0]);
      expect(isExactMatch(bad, good), `${good} vs ${bad}`).toBe(false);
      expect(hanText(bad)).not.toBe(hanText(good));
      expect(f.grade!({ prompt: p.chosen[0].content, answer: good }, bad)).toBeLessThan(1);
      const k = classify(good, bad);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    return seen;
  };
  const sameChars = (a: string, b: string) => [...hanText(a)].sort().join('') === [...hanText(b)].sort().join('');

  it('continuations: another passage, a clause short, or two characters swapped', () => {
    const seen = kinds(families.continue, (good, bad) => (sameChars(good, bad) ? 'swap' : hanText(good).startsWith(hanText(bad)) ? 'short' : 'other'));
    expect([...seen.keys()].sort()).toEqual(['other', 'short', 'swap']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(60);
  });

  it('poem lines: another poem\'s line, the wrong length, or two characters swapped', () => {
    const seen = kinds(families.line, (good, bad) => {
      expect(bad.slice(-1)).toBe(good.slice(-1)); // the closing mark stays right: the content is what is wrong
      return hanText(bad).length !== hanText(good).length ? 'length' : sameChars(good, bad) ? 'swap' : 'other';
    });
    expect([...seen.keys()].sort()).toEqual(['length', 'other', 'swap']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(60);
  });

  it('sources: another chapter of the same book, or of another book', () => {
    const labels = new Set(corpus.books.flatMap((b) => b.chapters.map((c) => chapterLabel(b, c))));
    const seen = kinds(families.source, (good, bad) => {
      expect(labels.has(bad)).toBe(true);
      return good.split('·')[0] === bad.split('·')[0] ? 'same book' : 'other book';
    });
    expect(seen.get('same book')).toBeGreaterThan(100);
    expect(seen.get('other book')).toBeGreaterThan(100);
  });
});

describe('classical tasks: graders as rewards', () => {
  it('score a family\'s replies with its partial credit, and others by exact match', () => {
    const it = drawItems([families.continue], { split: 'heldout', count: 1, seed: 1 })[0];
    expect(gradeReply(families.continue, it, it.answer)).toBe(1);
    expect(gradeReply(families.continue, it, hanText(it.answer))).toBe(1); // punctuation ignored
    expect(gradeReply(undefined, { prompt: '', answer: '学而。' }, '学 而')).toBe(1);
    expect(gradeReply(undefined, { prompt: '', answer: '42' }, '41')).toBe(0);
  });

  it('reach RL through builtinTask: examples carry their family, and the grader gives partial credit', () => {
    const task = builtinTask(Object.values(families));
    const examples = task.examples('train', 30, 7);
    expect(new Set(examples.map((e) => e.family))).toEqual(new Set(['analects-continue', 'tang-next-line', 'classical-source']));
    for (const e of examples) {
      expect(task.grade(e, e.answer)).toBe(1);
      const score = task.grade(e, e.answer.slice(0, Math.max(1, Math.floor(e.answer.length / 2))));
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThan(1);
    }
    const line = examples.find((e) => e.family === 'tang-next-line')!;
    expect(task.grade(line, hanText(line.answer).replace(/./gu, '一') + line.answer.slice(-1))).toBeCloseTo(0.5);
    const source = examples.find((e) => e.family === 'classical-source' && e.answer.includes('·'))!;
    expect(task.grade(source, `${source.answer.split('·')[0]}·不存在`)).toBeCloseTo(0.5);
    const arithmetic = builtinTask('arithmetic');
    const sum = arithmetic.examples('train', 1, 1)[0];
    expect(arithmetic.grade(sum, sum.answer)).toBe(1);
    expect(arithmetic.grade(sum, `${sum.answer}1`)).toBe(0);
  });
});
