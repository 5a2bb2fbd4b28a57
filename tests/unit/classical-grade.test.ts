// Graders of the classical tasks: in [0, 1], 1 exactly for the right characters (punctuation
// ignored), partial credit that orders replies sensibly; and the corruptions they are paired with.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/util/rng';
import { BOOK_CREDIT, LINE_LENGTH_CREDIT, LINE_MARK_CREDIT, charOverlap, lcsLength, lineScore, sourceScore } from '../../src/tasks/classical/grade';
import { dropClause, resize, swapChars } from '../../src/tasks/classical/corrupt';
import { hanText } from '../../src/data/classical/han';
import { isExactMatch, normaliseAnswer } from '../../src/tasks';

/** LCS by trying every subsequence of the shorter string: the reference for small inputs. */
function lcsBrute(a: string, b: string): number {
  const [x, y] = [...a].length <= [...b].length ? [[...a], [...b]] : [[...b], [...a]];
  let best = 0;
  for (let mask = 0; mask < 1 << x.length; mask++) {
    const sub = x.filter((_, i) => mask & (1 << i));
    let j = 0;
    for (const c of y) if (j < sub.length && c === sub[j]) j++;
    if (j === sub.length) best = Math.max(best, sub.length);
  }
  return best;
}

describe('classical graders', () => {
  it('LCS agrees with brute force on random strings over a small alphabet', () => {
    const rng = new Rng(5);
    const word = (n: number) => Array.from({ length: n }, () => '学而时习之'[rng.int(5)]).join('');
    for (let t = 0; t < 200; t++) {
      const a = word(rng.int(9)), b = word(rng.int(12));
      expect(lcsLength(a, b), `${a} ${b}`).toBe(lcsBrute(a, b));
    }
  });

  it('character overlap: 1 only for the same characters, ordered partial credit otherwise', () => {
    const answer = '鲜矣仁！”';
    expect(charOverlap('鲜矣仁', answer)).toBe(1);
    expect(charOverlap(' 鲜矣，仁 ', answer)).toBe(1);
    expect(charOverlap('鲜矣', answer)).toBeCloseTo((2 * 2) / (2 + 3));
    expect(charOverlap('仁矣鲜', answer)).toBeCloseTo((2 * 1) / 6); // order matters
    expect(charOverlap('不亦乐乎', answer)).toBe(0);
    expect(charOverlap('', answer)).toBe(0);
    expect(charOverlap('！', answer)).toBe(0);
    expect(charOverlap('鲜矣仁仁仁', answer)).toBeLessThan(1);
    expect(charOverlap('鲜矣仁仁仁', answer)).toBeGreaterThan(charOverlap('鲜', answer));
  });

  it('poem line: exact, then credit for the right length and the right closing mark', () => {
    const answer = '函谷壯皇居。';
    expect(lineScore('函谷壯皇居。', answer)).toBe(1);
    expect(lineScore('函谷壯皇居', answer)).toBe(1); // punctuation ignored for exactness
    expect(lineScore('一二三四五。', answer)).toBeCloseTo(LINE_LENGTH_CREDIT + LINE_MARK_CREDIT);
    expect(lineScore('一二三四五，', answer)).toBeCloseTo(LINE_LENGTH_CREDIT);
    expect(lineScore('一二三四五六七。', answer)).toBeCloseTo(LINE_MARK_CREDIT);
    expect(lineScore('一二三', answer)).toBe(0);
    expect(LINE_LENGTH_CREDIT + LINE_MARK_CREDIT).toBeLessThan(1);
  });

  it('source: exact, half for the right book, none otherwise', () => {
    const books = ['论语', '孟子', '大學', '中庸'];
    expect(sourceScore('论语·学而篇', '论语·学而篇', books)).toBe(1);
    expect(sourceScore('论语 学而篇', '论语·学而篇', books)).toBe(1);
    expect(sourceScore('论语·为政篇', '论语·学而篇', books)).toBe(BOOK_CREDIT);
    expect(sourceScore('孟子·梁惠王上', '论语·学而篇', books)).toBe(0);
    expect(sourceScore('学而篇', '论语·学而篇', books)).toBe(0);
    expect(sourceScore('大學', '大學', books)).toBe(1);
    expect(sourceScore('中庸', '大學', books)).toBe(0);
  });

  it('exact match ignores spaces between Han characters, as before for other text', () => {
    expect(isExactMatch('学 而', '学而。')).toBe(true);
    expect(normaliseAnswer('论语 · 学而篇')).toBe('论语学而篇');
    expect(normaliseAnswer('  A Cat. ')).toBe('cat');
    expect(isExactMatch('a b', 'ab')).toBe(false);
  });
});

describe('classical corruptions', () => {
  it('swap two neighbouring different characters, keeping punctuation in place', () => {
    const rng = new Rng(1);
    for (let t = 0; t < 50; t++) {
      const s = swapChars('兄弟也。”', rng)!;
      expect(['弟兄也。”', '兄也弟。”']).toContain(s);
    }
    expect(swapChars('仁仁。', rng)).toBeNull();
    expect(swapChars('仁。', rng)).toBeNull();
  });

  it('drop the last clause, or say it cannot', () => {
    expect(dropClause('申申如也，夭夭如也。')).toBe('申申如也，');
    expect(dropClause('“吾斯之未能信。”子说。')).toBe('“吾斯之未能信。');
    expect(dropClause('鲜矣仁！”')).toBeNull();
  });

  it('resize a line by one character, never to the same text', () => {
    const rng = new Rng(2);
    const lengths = new Set<number>();
    for (let t = 0; t < 50; t++) {
      const s = resize('函谷壯皇居。', rng)!;
      expect(s.endsWith('。')).toBe(true);
      expect(Math.abs(hanText(s).length - 5)).toBe(1);
      lengths.add(hanText(s).length);
    }
    expect([...lengths].sort()).toEqual([4, 6]);
    expect(resize('仁。', rng)).toBeNull();
  });
});
