// Which book and chapter (篇) a passage comes from: "出自：孟子見梁惠王。王曰：…" → "孟子·梁惠王上"
// (a one-chapter book is named alone: "大學"). Long passages are shown up to a clause mark within
// `maxChars` characters; an opening that two chapters share is left out (it has no single answer).
// Keyed by passage, like the continuation task, so a passage is held out of both or neither.
// Graded exactly, with half credit for the right book. A rejected answer is another chapter of the
// same book, or a chapter of another book.
import type { Rng } from '../../util/rng';
import { chapterLabel, passagesOf, type ClassicalBook } from '../../data/classical/corpus';
import { clauseCuts, hanText } from '../../data/classical/han';
import type { TaskFamily, TaskItem } from '../types';
import { sourceScore } from './grade';
import { passageKey } from './keys';

export interface SourceOptions {
  /** Longest excerpt shown, in characters (default 32). */
  maxChars?: number;
  /** Shortest excerpt worth asking about (default 6). */
  minChars?: number;
}

export const SOURCE_PREFIX = '出自：';

/** The passage, or its opening up to the last clause mark within maxChars (else its first maxChars). */
export function excerpt(text: string, maxChars: number): string {
  if (hanText(text).length <= maxChars) return text;
  const fit = clauseCuts(text, 1, 1).filter((c) => hanText(text.slice(0, c)).length <= maxChars);
  if (fit.length > 0) return text.slice(0, fit[fit.length - 1]);
  let seen = 0, at = 0;
  for (const c of text) {
    if (/[\p{L}\p{N}]/u.test(c) && ++seen > maxChars) break;
    at += c.length;
  }
  return text.slice(0, at);
}

export function classicalSourceFamily(books: readonly ClassicalBook[], { maxChars = 32, minChars = 6 }: SourceOptions = {}): TaskFamily {
  if (!(Number.isInteger(minChars) && minChars >= 1 && maxChars >= minChars)) throw new RangeError(`Excerpts need 1 ≤ minChars ≤ maxChars, got ${minChars}..${maxChars}.`);
  const labels = books.flatMap((b) => b.chapters.map((c) => ({ book: b, label: chapterLabel(b, c) })));
  if (labels.length < 2) throw new Error('The source task needs at least two chapters to choose from.');
  const all = passagesOf(books).map((p) => ({ key: passageKey(p.text), shown: excerpt(p.text, maxChars), book: p.book, label: chapterLabel(p.book, p.chapter) }))
    .filter((x) => hanText(x.shown).length >= minChars);
  const answers = new Map<string, Set<string>>();
  for (const x of all) answers.set(hanText(x.shown), (answers.get(hanText(x.shown)) ?? new Set()).add(x.label));
  const items = all.filter((x) => answers.get(hanText(x.shown))!.size === 1);
  const titles = books.map((b) => b.title);

  return {
    name: 'classical-source',
    summary: `name the book and chapter of a passage (${items.length} passages, ${labels.length} chapters of ${titles.join(', ')})`,
    size: new Set(items.map((x) => x.key)).size,
    draw(rng: Rng): TaskItem {
      const x = items[rng.int(items.length)];
      return { key: x.key, prompt: `${SOURCE_PREFIX}${x.shown}`, answer: x.label };
    },
    wrong(item: TaskItem, rng: Rng): string {
      const mine = labels.find((l) => l.label === item.answer);
      const others = labels.filter((l) => l.label !== item.answer);
      const sameBook = others.filter((l) => l.book === mine?.book);
      const pool = sameBook.length > 0 && rng.next() < 0.5 ? sameBook : others;
      return pool[rng.int(pool.length)].label;
    },
    grade: (item, reply) => sourceScore(reply, item.answer, titles),
  };
}
