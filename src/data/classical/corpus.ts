// The classical-Chinese corpus vendored from chinese-poetry@2.0.1 (vendor/, see its README): the Four
// Books by chapter (classics.json) and a subset of Tang regulated verse (tang.json). The files are
// loaded lazily, as raw text through dynamic imports, so they are separate chunks of the app's build
// and never part of the main bundle; their shape is checked on load, with a clear error.
// Does not render training text (text.ts) or make tasks (src/tasks/classical/).

export interface ClassicalChapter {
  title: string;     // "学而篇"
  passages: string[]; // one passage (章) each, original punctuation
}

export interface ClassicalBook {
  id: string;    // "analects", "mencius", "great-learning", "doctrine-of-the-mean"
  title: string; // "论语"
  chapters: ClassicalChapter[];
}

export interface TangPoem {
  title: string;
  author: string;
  /** Clauses of 5 or 7 characters, each closed by "，" or "。", without separators. */
  text: string;
}

export interface ClassicalCorpus {
  books: ClassicalBook[];
  poems: TangPoem[];
}

/** One passage with where it comes from. */
export interface ClassicalPassage {
  book: ClassicalBook;
  chapter: ClassicalChapter;
  /** Position within its chapter, from 0. */
  index: number;
  text: string;
}

const fail = (file: string, what: string): never => {
  throw new Error(`The vendored classical corpus (${file}) is damaged: ${what}. Regenerate it with \`npx tsx scripts/vendor-chinese-poetry.ts\`.`);
};

const isString = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

function parseJson(file: string, text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    fail(file, `not valid JSON (${(e as Error).message})`);
  }
  return fail(file, 'not a JSON object');
}

/** The books of classics.json's text, checked. */
export function parseClassics(text: string, file = 'classics.json'): ClassicalBook[] {
  const { books } = parseJson(file, text);
  if (!Array.isArray(books) || books.length === 0) fail(file, '"books" is not a non-empty list');
  return (books as unknown[]).map((b, i) => {
    const { id, title, chapters } = (b ?? {}) as Record<string, unknown>;
    if (!isString(id) || !isString(title) || !Array.isArray(chapters) || chapters.length === 0) fail(file, `book ${i} lacks an id, a title or chapters`);
    return {
      id: id as string, title: title as string,
      chapters: (chapters as unknown[]).map((c, j) => {
        const { title: ct, passages } = (c ?? {}) as Record<string, unknown>;
        if (!isString(ct) || !Array.isArray(passages) || passages.length === 0 || !passages.every(isString)) fail(file, `chapter ${j} of ${id as string} lacks a title or passages`);
        return { title: ct as string, passages: passages as string[] };
      }),
    };
  });
}

/** The poems of tang.json's text, checked: every clause 5 or 7 Han characters, the same in a poem. */
export function parseTang(text: string, file = 'tang.json'): TangPoem[] {
  const { poems } = parseJson(file, text);
  if (!Array.isArray(poems) || poems.length === 0) fail(file, '"poems" is not a non-empty list');
  return (poems as unknown[]).map((p, i) => {
    const { title, author, text: body } = (p ?? {}) as Record<string, unknown>;
    if (!isString(title) || !isString(author) || !isString(body) || !/^(?:(\p{Script=Han}{5}|\p{Script=Han}{7})[，。])+$/u.test(body)) fail(file, `poem ${i} lacks a title, an author or a body of 5- or 7-character clauses`);
    return { title: title as string, author: author as string, text: body as string };
  });
}

/** The Four Books (one small chunk, ~220 kB). */
export async function loadClassics(): Promise<ClassicalBook[]> {
  const { default: text } = await import('./vendor/classics.json?raw');
  return parseClassics(text);
}

/** The Tang poems (one chunk, ~1 MB). */
export async function loadTang(): Promise<TangPoem[]> {
  const { default: text } = await import('./vendor/tang.json?raw');
  return parseTang(text);
}

export async function loadClassical(): Promise<ClassicalCorpus> {
  const [books, poems] = await Promise.all([loadClassics(), loadTang()]);
  return { books, poems };
}

/** "论语·学而篇"; a book of one chapter named like the book is just "大學". */
export function chapterLabel(book: ClassicalBook, chapter: ClassicalChapter): string {
  return book.chapters.length === 1 && chapter.title === book.title ? book.title : `${book.title}·${chapter.title}`;
}

/** Every passage of the given books (default all), in book, chapter, passage order. */
export function passagesOf(books: readonly ClassicalBook[]): ClassicalPassage[] {
  return books.flatMap((book) => book.chapters.flatMap((chapter) => chapter.passages.map((text, index) => ({ book, chapter, index, text }))));
}
