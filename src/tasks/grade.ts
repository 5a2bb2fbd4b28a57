// Grading replies to built-in tasks: exact match after normalisation (lower case, punctuation and
// the articles a / an / the removed, whitespace collapsed), as SQuAD's exact-match metric does.
// So "A cat." matches "a cat" and "cat", but "ztqk" does not match "ztkq".

export function normaliseAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isExactMatch(reply: string, answer: string): boolean {
  return normaliseAnswer(reply) === normaliseAnswer(answer);
}
