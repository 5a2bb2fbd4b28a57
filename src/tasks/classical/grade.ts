// Graders with partial credit for the classical tasks, each in [0, 1] and 1 exactly when the reply's
// characters (punctuation ignored, hanText) equal the answer's:
//   continuation   character overlap: F1 of the longest common subsequence (ROUGE-L on characters)
//   poem line      0.3 for the right number of characters (5 or 7), 0.2 for the right closing mark
//   source         0.5 for the right book with the wrong chapter
// Pure functions of text; they do not know the corpus (source.ts passes the book titles).
import { hanText } from '../../data/classical/han';

/** Length of the longest common subsequence of two strings' code points. O(|a|·|b|) time, O(|b|) memory. */
export function lcsLength(a: string, b: string): number {
  const x = [...a], y = [...b];
  let prev = new Uint32Array(y.length + 1), row = new Uint32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) row[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    [prev, row] = [row, prev];
  }
  return prev[y.length];
}

/** F1 of the characters in order (LCS precision and recall), punctuation ignored; 1 only when equal. */
export function charOverlap(reply: string, answer: string): number {
  const r = hanText(reply), a = hanText(answer);
  if (r === a) return 1;
  if (r.length === 0 || a.length === 0) return 0;
  const common = lcsLength(r, a);
  const lr = [...r].length, la = [...a].length;
  return common === 0 ? 0 : (2 * common) / (lr + la);
}

export const LINE_LENGTH_CREDIT = 0.3;
export const LINE_MARK_CREDIT = 0.2;

/** A poem line: 1 when its characters are right; otherwise credit for its form, at most 0.5. */
export function lineScore(reply: string, answer: string): number {
  const r = hanText(reply), a = hanText(answer);
  if (r === a) return 1;
  const mark = answer.trim().slice(-1);
  return ([...r].length === [...a].length ? LINE_LENGTH_CREDIT : 0) + (reply.trim().endsWith(mark) ? LINE_MARK_CREDIT : 0);
}

export const BOOK_CREDIT = 0.5;

/** A "book·chapter" label: 1 when right, BOOK_CREDIT when only the book (one of `bookTitles`) is. */
export function sourceScore(reply: string, answer: string, bookTitles: readonly string[]): number {
  const r = hanText(reply), a = hanText(answer);
  if (r === a) return 1;
  const book = bookTitles.find((t) => a.startsWith(hanText(t)));
  return book !== undefined && r.startsWith(hanText(book)) ? BOOK_CREDIT : 0;
}
