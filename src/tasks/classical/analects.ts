// Continue an Analects passage from its opening: "下文：子曰：“巧言令色，" → "鲜矣仁！”". The opening
// ends at a clause mark chosen at random among those where no other passage opens the same way (so
// the rest is determined); one passage gives several problems, all with its key (one split).
// Graded by character overlap (grade.ts), 1 when the characters match. A rejected continuation is
// the rest of another passage of the same split, the right one a clause short, or the right one
// with two neighbouring characters swapped.
import type { Rng } from '../../util/rng';
import { passagesOf, type ClassicalBook, type ClassicalPassage } from '../../data/classical/corpus';
import { clauseCuts, hanText } from '../../data/classical/han';
import type { TaskFamily, TaskItem } from '../types';
import { splitOf } from '../split';
import { dropClause, swapChars } from './corrupt';
import { charOverlap } from './grade';
import { bySplit, passageKey } from './keys';

export interface ContinueOptions {
  /** Passages of at most this many characters (punctuation not counted; default 40): short enough
   *  that prompt and answer fit a small model's context (64 tokens for the tiny preset). */
  maxChars?: number;
  /** Longest rest to write, in characters with punctuation (default 20): what a greedy evaluation of
   *  24 tokens can produce with a char tokenizer. */
  maxAnswerChars?: number;
  /** Books to take passages from (default: the Analects). */
  books?: readonly string[];
}

export const CONTINUE_PREFIX = '下文：';

/** Clause cuts of `text` whose opening no other passage of `all` shares (with another rest), so the
 *  continuation is determined: "子曰：" opens hundreds of passages and is never an opening alone. */
function uniqueCuts(text: string, all: readonly string[], maxAnswerChars: number): number[] {
  const whole = hanText(text);
  return clauseCuts(text).filter((at) => {
    if ([...text.slice(at)].length > maxAnswerChars) return false;
    const opening = hanText(text.slice(0, at));
    return all.every((other) => other === whole || !other.startsWith(opening));
  });
}

export function analectsContinueFamily(books: readonly ClassicalBook[], { maxChars = 40, maxAnswerChars = 20, books: ids = ['analects'] }: ContinueOptions = {}): TaskFamily {
  if (!Number.isInteger(maxChars) || maxChars < 4) throw new RangeError(`Passages need room for an opening and a rest: maxChars must be a whole number of at least 4, got ${maxChars}.`);
  if (!Number.isInteger(maxAnswerChars) || maxAnswerChars < 3) throw new RangeError(`A rest needs at least 3 characters: maxAnswerChars must be a whole number of at least 3, got ${maxAnswerChars}.`);
  const missing = ids.filter((id) => !books.some((b) => b.id === id));
  if (missing.length > 0) throw new Error(`The continuation task has no book ${missing.join(', ')}. Books: ${books.map((b) => b.id).join(', ')}.`);
  const chosen = passagesOf(books.filter((b) => ids.includes(b.id)));
  const texts = chosen.map((p) => hanText(p.text));
  const passages = chosen.filter((p) => hanText(p.text).length <= maxChars)
    .map((p) => ({ ...p, cuts: uniqueCuts(p.text, texts, maxAnswerChars) }))
    .filter((p) => p.cuts.length > 0);
  if (passages.length < 2) throw new Error(`Only ${passages.length} passage(s) of at most ${maxChars} characters: raise maxChars.`);
  const split = bySplit(passages, (p) => passageKey(p.text));

  /** A random opening of a passage and its rest. */
  const cut = (p: ClassicalPassage & { cuts: number[] }, rng: Rng) => {
    const at = p.cuts[rng.int(p.cuts.length)];
    return { opening: p.text.slice(0, at), rest: p.text.slice(at) };
  };
  const otherRest = (pool: typeof passages, rng: Rng): string => cut(pool[rng.int(pool.length)], rng).rest;

  return {
    name: 'analects-continue',
    summary: `continue a passage of ${ids.join(', ')} from its opening (${passages.length} passages of ≤ ${maxChars} characters, rests of ≤ ${maxAnswerChars})`,
    size: new Set(passages.map((p) => passageKey(p.text))).size,
    draw(rng: Rng): TaskItem {
      const p = passages[rng.int(passages.length)];
      const { opening, rest } = cut(p, rng);
      return { key: passageKey(p.text), prompt: `${CONTINUE_PREFIX}${opening}`, answer: rest };
    },
    wrong(item: TaskItem, rng: Rng): string {
      const pool = split[splitOf(item.key)].filter((p) => passageKey(p.text) !== item.key);
      const differs = (s: string | null): s is string => s !== null && hanText(s).length > 0 && hanText(s) !== hanText(item.answer);
      const first = rng.int(3);
      for (let k = 0; k < 3; k++) {
        const kind = (first + k) % 3;
        for (let attempt = 0; attempt < 8; attempt++) {
          const c = kind === 0 ? (pool.length > 0 ? otherRest(pool, rng) : null)
            : kind === 1 ? dropClause(item.answer)
            : swapChars(item.answer, rng);
          if (differs(c)) return c;
        }
      }
      // Always different: one clause too many.
      return item.answer + (pool.length > 0 ? otherRest(pool, rng) : item.answer);
    },
    grade: (item, reply) => charOverlap(reply, item.answer),
  };
}
