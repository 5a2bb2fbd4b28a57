// Grading replies to built-in tasks: exact match after normalisation (lower case, punctuation and
// the articles a / an / the removed, whitespace collapsed), as SQuAD's exact-match metric does.
// So "A cat." matches "a cat" and "cat", but "ztqk" does not match "ztkq". Whitespace next to a Han
// character goes too (Chinese is written without spaces), so "学 而" matches "学而。".
import type { GradedItem, TaskFamily } from './types';

export function normaliseAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ (?=\p{Script=Han})|(?<=\p{Script=Han}) /gu, '')
    .trim();
}

export function isExactMatch(reply: string, answer: string): boolean {
  return normaliseAnswer(reply) === normaliseAnswer(answer);
}

/** A reply's score in [0, 1]: the family's own grader (partial credit) when it has one, else 1 for an
 *  exact match and 0 otherwise. */
export function gradeReply(family: TaskFamily | undefined, item: GradedItem, reply: string): number {
  if (family?.grade) return family.grade(item, reply);
  return isExactMatch(reply, item.answer) ? 1 : 0;
}
