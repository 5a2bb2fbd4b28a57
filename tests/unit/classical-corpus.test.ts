// The classical corpus as the data layer offers it: loaded lazily and checked, rendered as
// pretraining text, listed next to the generated corpus, and tokenized by char or by BPE.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chapterLabel, loadClassical, loadClassics, parseClassics, parseTang, passagesOf } from '../../src/data/classical/corpus';
import { classicalText, poemBlock } from '../../src/data/classical/text';
import { clauseCuts, hanText, poemLines } from '../../src/data/classical/han';
import { CORPORA, CORPUS_NAMES, corpusInfo, isCorpusName, loadCorpus } from '../../src/data/corpora';
import { tokenizerForText } from '../../src/tokenizer';
import { generateCorpus } from '../../src/data/corpus';

describe('classical corpus', () => {
  it('loads the Four Books by chapter and the Tang poems', async () => {
    const { books, poems } = await loadClassical();
    expect(books.map((b) => [b.id, b.title, b.chapters.length])).toEqual([
      ['analects', '论语', 20], ['mencius', '孟子', 14], ['great-learning', '大學', 1], ['doctrine-of-the-mean', '中庸', 1],
    ]);
    expect(books[0].chapters[0].title).toBe('学而篇');
    expect(books[0].chapters[0].passages[0]).toBe('子曰：“学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？”');
    expect(passagesOf(books.slice(0, 1))).toHaveLength(512);
    expect(poems.length).toBeGreaterThan(5000);
    expect(poems[0]).toEqual({ title: '帝京篇十首 一', author: '太宗皇帝', text: '秦川雄帝宅，函谷壯皇居。綺殿千尋起，離宮百雉餘。連甍遙接漢，飛觀迥凌虛。雲日隱層闕，風煙出綺疎。' });
    for (const p of poems) {
      const lines = poemLines(p.text);
      expect([4, 8]).toContain(lines.length);
      expect(new Set(lines.map((l) => hanText(l).length)).size).toBe(1);
    }
  });

  it('labels chapters, and a one-chapter book by its title', async () => {
    const books = await loadClassics();
    expect(chapterLabel(books[0], books[0].chapters[1])).toBe('论语·为政篇');
    expect(chapterLabel(books[1], books[1].chapters[0])).toBe('孟子·梁惠王上');
    expect(chapterLabel(books[2], books[2].chapters[0])).toBe('大學');
  });

  it('rejects a damaged file with a message that says how to fix it', () => {
    expect(() => parseClassics('{')).toThrow(/classics\.json\) is damaged: not valid JSON.*vendor-chinese-poetry/);
    expect(() => parseClassics('{"books":[]}')).toThrow(/"books" is not a non-empty list/);
    expect(() => parseClassics('{"books":[{"id":"x","title":"X","chapters":[{"title":"c","passages":[""]}]}]}')).toThrow(/chapter 0 of x/);
    expect(() => parseTang('{"poems":[{"title":"t","author":"a","text":"一二三四，五六七八。"}]}')).toThrow(/poem 0/);
    expect(parseTang('{"poems":[{"title":"t","author":"a","text":"一二三四五，六七八九十。"}]}')).toHaveLength(1);
  });

  it('renders pretraining text: chapters under their labels, poems a couplet a line', async () => {
    const corpus = await loadClassical();
    const text = classicalText(corpus);
    expect(text.startsWith('《论语·学而篇》\n子曰：“学而时习之，')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('\n\n《孟子·梁惠王上》\n孟子見梁惠王。');
    expect(text).toContain('\n\n《大學》\n大學之道，');
    expect(text).toContain('\n\n《帝京篇十首 一》太宗皇帝\n秦川雄帝宅，函谷壯皇居。\n綺殿千尋起，離宮百雉餘。\n');
    expect(poemBlock(corpus.poems[0]).split('\n')).toHaveLength(5);
    for (const p of passagesOf(corpus.books)) expect(text).toContain(`\n${p.text}\n`);
    const analects = classicalText(corpus, { books: ['analects'], poems: false });
    expect(analects).not.toContain('《孟子');
    expect(analects.split('\n\n')).toHaveLength(20);
    expect(() => classicalText(corpus, { books: ['odes'] })).toThrow(/Unknown classical book "odes"/);
    expect(() => classicalText(corpus, { books: [], poems: false })).toThrow(/empty/);
  });

  it('finds clause cuts and compares text without punctuation', () => {
    expect(hanText('子曰：“巧言令色，鲜矣仁！”')).toBe('子曰巧言令色鲜矣仁');
    const s = '子曰：“巧言令色，鲜矣仁！”';
    expect(clauseCuts(s).map((i) => s.slice(0, i))).toEqual(['子曰：', '子曰：“巧言令色，']);
    expect(clauseCuts('甲，乙丙丁。', 1, 1)).toEqual([2]);
    expect(poemLines('秦川雄帝宅，函谷壯皇居。')).toEqual(['秦川雄帝宅，', '函谷壯皇居。']);
  });

  it('is never imported statically: the vendored JSON stays out of the main bundle', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const uses = files('src').flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => /\bimport\b.*vendor\//.test(l)).map((l) => `${f}: ${l.trim()}`));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/await import\('\.\/vendor\/[a-z]+\.json\?raw'\)/);
  });
});

describe('corpus registry', () => {
  it('offers the generated world and the classical corpora by name', async () => {
    expect(CORPORA.map((c) => c.name)).toEqual([...CORPUS_NAMES]);
    expect(isCorpusName('analects')).toBe(true);
    expect(isCorpusName('corpus.txt')).toBe(false);
    expect(() => corpusInfo('odes')).toThrow(/Unknown built-in corpus "odes". Corpora: world, analects, lunyu/);
    expect(await loadCorpus('world')).toBe(generateCorpus());
    expect(await loadCorpus('analects')).toBe(classicalText(await loadClassical()));
    const lunyu = await loadCorpus('lunyu');
    expect(lunyu.startsWith('《论语·学而篇》')).toBe(true);
    expect(lunyu).not.toContain('《孟子');
    for (const c of CORPORA) expect(c.tokenizers[0]).toBe('char');
  });

  it('tokenizes the classical text by char or by BPE trained on it, losslessly', async () => {
    const text = await loadCorpus('lunyu');
    const char = await tokenizerForText('char', text);
    expect(char.encode(text)).toHaveLength([...text].length); // one token per character
    expect(char.decode(char.encode(text))).toBe(text);
    const sample = text.slice(0, 4000);
    const progress: number[] = [];
    const bpe = await tokenizerForText('bpe', sample, { vocabSize: 600, onProgress: (f) => progress.push(f) });
    expect(bpe.vocabSize).toBe(600);
    const ids = bpe.encode(sample);
    expect(bpe.decode(Array.from(ids))).toBe(sample);
    expect(ids.length).toBeLessThan(Buffer.byteLength(sample)); // merges compress the UTF-8 bytes
    expect(progress[progress.length - 1]).toBe(1);
    await expect(tokenizerForText('bpe', sample)).rejects.toThrow(/needs a vocabulary size/);
    await expect(tokenizerForText('gpt2', sample)).rejects.toThrow(/Unknown tokenizer "gpt2"/);
  });
});
