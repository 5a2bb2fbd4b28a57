// The next line of a Tang poem: "下句：秦川雄帝宅，" → "函谷壯皇居。", the prompt holding up to
// `contextLines` lines before the answer. Problems are keyed by poem (one split per poem). Graded
// exactly on the characters, with partial credit for a line of the right length and closing mark.
// A rejected line is a line of another poem (same length, the right mark), a line of the wrong
// length, or the right line with two neighbouring characters swapped.
import type { Rng } from '../../util/rng';
import type { TangPoem } from '../../data/classical/corpus';
import { hanText, poemLines } from '../../data/classical/han';
import type { TaskFamily, TaskItem } from '../types';
import { splitOf } from '../split';
import { resize, swapChars } from './corrupt';
import { lineScore } from './grade';
import { poemKey } from './keys';

export interface NextLineOptions {
  /** Lines of the poem shown before the one to write (default 2; at least 1). */
  contextLines?: number;
}

export const NEXT_LINE_PREFIX = '下句：';

const lineLength = (p: TangPoem) => hanText(poemLines(p.text)[0]).length;

export function tangNextLineFamily(poems: readonly TangPoem[], { contextLines = 2 }: NextLineOptions = {}): TaskFamily {
  if (!Number.isInteger(contextLines) || contextLines < 1) throw new RangeError(`The next-line task shows at least one line before the answer, got contextLines ${contextLines}.`);
  if (poems.length < 2) throw new Error('The next-line task needs at least two poems.');
  const keyed = new Map(poems.map((p) => [poemKey(p), p]));
  // Poems of each split by line length, for lines of another poem of the right (or wrong) length.
  const pools = new Map<string, { key: string; lines: string[] }[]>();
  for (const p of poems) {
    const at = `${splitOf(poemKey(p))}:${lineLength(p)}`;
    if (!pools.has(at)) pools.set(at, []);
    pools.get(at)!.push({ key: poemKey(p), lines: poemLines(p.text) });
  }

  /** A line of a poem of `split` (not `not`) with `length` characters, closed by `mark`; null if none. */
  const lineFrom = (split: string, length: number, mark: string, not: string, rng: Rng): string | null => {
    const pool = pools.get(`${split}:${length}`) ?? [];
    const p = pool[rng.int(pool.length)];
    if (!p || p.key === not) return null; // the caller tries again
    return hanText(p.lines[rng.int(p.lines.length)]) + mark;
  };

  return {
    name: 'tang-next-line',
    summary: `write the next line of a Tang quatrain or regulated verse (${poems.length} poems, 5 or 7 characters a line)`,
    size: keyed.size,
    draw(rng: Rng): TaskItem {
      const p = poems[rng.int(poems.length)];
      const lines = poemLines(p.text);
      const i = rng.int(lines.length - 1);
      return { key: poemKey(p), prompt: `${NEXT_LINE_PREFIX}${lines.slice(Math.max(0, i + 1 - contextLines), i + 1).join('')}`, answer: lines[i + 1] };
    },
    wrong(item: TaskItem, rng: Rng): string {
      const split = splitOf(item.key);
      const n = hanText(item.answer).length, mark = item.answer.slice(-1);
      const differs = (s: string | null): s is string => s !== null && hanText(s) !== hanText(item.answer);
      const first = rng.int(3);
      for (let k = 0; k < 3; k++) {
        const kind = (first + k) % 3;
        for (let attempt = 0; attempt < 8; attempt++) {
          const c = kind === 0 ? lineFrom(split, n, mark, item.key, rng)
            : kind === 1 ? (rng.next() < 0.5 ? lineFrom(split, n === 5 ? 7 : 5, mark, item.key, rng) : resize(item.answer, rng))
            : swapChars(item.answer, rng);
          if (differs(c)) return c;
        }
      }
      return resize(item.answer, rng)!; // a line of 5 or 7 characters always has one to drop or double
    },
    grade: (item, reply) => lineScore(reply, item.answer),
  };
}
