// Small helpers for classical-Chinese text: punctuation-free comparison, the clauses of a poem and
// the places where a passage may be cut between clauses. Text in, text out; no corpus knowledge.

/** The text's letters and digits only: punctuation, quotes and whitespace removed ("，" "“" " "). */
export function hanText(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, '');
}

/** Punctuation that ends a clause of a passage or a line of a poem. */
const CLAUSE_END = /[，。：；？！、]/u;
/** Closing quotes that stay with the clause before them. */
const CLOSE_QUOTE = /[”’」』》]/u;

/** A poem's lines, each with its closing "，" or "。": "秦川雄帝宅，函谷壯皇居。" → two lines. */
export function poemLines(text: string): string[] {
  return text.match(/[^，。]+[，。]/gu) ?? [];
}

/** Offsets (in UTF-16 units) right after a clause's punctuation and any closing quotes, where at least
 *  `minBefore` letters come before and `minAfter` letters after: the places to cut a passage in two. */
export function clauseCuts(text: string, minBefore = 2, minAfter = 2): number[] {
  // letters[i]: letters in text[0, i)
  const letters = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) letters[i + 1] = letters[i] + (/[\p{L}\p{N}]/u.test(text[i]) ? 1 : 0);
  const total = letters[text.length];
  const cuts = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    if (!CLAUSE_END.test(text[i])) continue;
    let at = i + 1;
    while (at < text.length && CLOSE_QUOTE.test(text[at])) at++;
    if (letters[at] >= minBefore && total - letters[at] >= minAfter) cuts.add(at);
  }
  return [...cuts];
}
