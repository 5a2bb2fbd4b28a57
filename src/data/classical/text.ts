// The classical corpus as pretraining text: each chapter under its label in 《》 with one passage a
// line, then each Tang poem under 《title》author with one couplet a line; blank lines between.
//   《论语·学而篇》
//   子曰：“学而时习之，不亦说乎？…”
//   …
//   《帝京篇十首 一》太宗皇帝
//   秦川雄帝宅，函谷壯皇居。
// Every passage is in the text, held-out ones included: pretraining is where a model reads the
// books; the tasks (src/tasks/classical) hold passages out of SFT, reward and RL data only.
// Does not tokenize or split (src/data/split.ts, tokenize.ts).
import { chapterLabel, type ClassicalBook, type ClassicalCorpus, type TangPoem } from './corpus';
import { poemLines } from './han';

export interface ClassicalTextOptions {
  /** Book ids to include (default: all). */
  books?: readonly string[];
  /** Include the Tang poems (default true). */
  poems?: boolean;
}

export function chapterBlocks(books: readonly ClassicalBook[]): string[] {
  return books.flatMap((b) => b.chapters.map((c) => [`《${chapterLabel(b, c)}》`, ...c.passages].join('\n')));
}

export function poemBlock(p: TangPoem): string {
  const lines = poemLines(p.text);
  const couplets = lines.flatMap((l, i) => (i % 2 === 0 ? [l + (lines[i + 1] ?? '')] : []));
  return [`《${p.title}》${p.author}`, ...couplets].join('\n');
}

/** The corpus as one text, ending with a newline. */
export function classicalText(corpus: ClassicalCorpus, { books, poems = true }: ClassicalTextOptions = {}): string {
  const known = new Set(corpus.books.map((b) => b.id));
  const unknown = (books ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`Unknown classical book ${unknown.map((u) => `"${u}"`).join(', ')}. Books: ${[...known].join(', ')}.`);
  const chosen = books ? corpus.books.filter((b) => books.includes(b.id)) : corpus.books;
  const blocks = [...chapterBlocks(chosen), ...(poems ? corpus.poems.map(poemBlock) : [])];
  if (blocks.length === 0) throw new Error('The classical text would be empty: choose at least one book or the poems.');
  return blocks.join('\n\n') + '\n';
}
