// The vendored classical corpus (src/data/classical/vendor/) is what scripts/vendor-chinese-poetry.ts
// writes from chinese-poetry@2.0.1: every file matches the manifest's size and SHA-256, nothing else
// is in the folder, the licence is the package's, and the script's transform is deterministic.
// Regenerating from the real package needs npm and the network: `npx tsx scripts/vendor-chinese-poetry.ts --check`.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildFiles, cleanPassage, manifest, regulatedVerse, sha256, sourcePaths, VENDOR_DIR, VERSION, PACKAGE, TANG_FILES } from '../../scripts/vendor-chinese-poetry';

interface Manifest { package: string; version: string; integrity: string; files: { path: string; bytes: number; sha256: string }[] }
const readManifest = (): Manifest => JSON.parse(readFileSync(join(VENDOR_DIR, 'manifest.json'), 'utf8'));

describe('vendored classical corpus', () => {
  it('matches the manifest the script wrote, file for file and byte for byte', () => {
    const m = readManifest();
    expect(m.package).toBe('chinese-poetry');
    expect(m.version).toBe('2.0.1');
    expect(m.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(m.files.map((f) => f.path).sort()).toEqual(['LICENSE', 'README.md', 'classics.json', 'tang.json']);
    for (const f of m.files) {
      const bytes = readFileSync(join(VENDOR_DIR, f.path));
      expect(bytes.length, f.path).toBe(f.bytes);
      expect(sha256(bytes), f.path).toBe(f.sha256);
    }
    expect(readdirSync(VENDOR_DIR).sort()).toEqual([...m.files.map((f) => f.path), 'manifest.json'].sort());
  });

  it('carries the package licence and stays small', () => {
    const licence = readFileSync(join(VENDOR_DIR, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/The MIT License \(MIT\)/);
    expect(licence).toMatch(/Copyright \(c\) 2016 JackeyGao/);
    const total = readManifest().files.reduce((s, f) => s + f.bytes, 0);
    expect(total).toBeLessThan(3 * 2 ** 20);
    expect(readFileSync(join(VENDOR_DIR, 'README.md'), 'utf8')).toContain('npx tsx scripts/vendor-chinese-poetry.ts');
  });

  it('manifest() is the manifest of the files as they are', () => {
    const files = new Map(readManifest().files.map((f) => [f.path, readFileSync(join(VENDOR_DIR, f.path), 'utf8')]));
    expect(manifest(files)).toBe(readFileSync(join(VENDOR_DIR, 'manifest.json'), 'utf8'));
  });
});

describe('vendor script transform', () => {
  it('cleans passages: full-width punctuation, no footnotes or stray spaces', () => {
    expect(cleanPassage('孔子谓季氏:“八佾舞于庭,是可忍也?”')).toBe('孔子谓季氏：“八佾舞于庭，是可忍也？”');
    expect(cleanPassage('見且猶1不得亟，而況得而臣之乎？」1. 猶 : 或作「由」。')).toBe('見且猶不得亟，而況得而臣之乎？」');
    expect(cleanPassage('  子曰：“巧言令色，鲜矣仁！” ')).toBe('子曰：“巧言令色，鲜矣仁！”');
  });

  it('keeps quatrains and regulated verse of 5 or 7 characters only', () => {
    const poem = (paragraphs: string[]) => ({ title: 't', author: 'a', paragraphs });
    expect(regulatedVerse(poem(['秦川雄帝宅，函谷壯皇居。', '綺殿千尋起，離宮百雉餘。']))).toBe('秦川雄帝宅，函谷壯皇居。綺殿千尋起，離宮百雉餘。');
    expect(regulatedVerse(poem(['一二三四五六七，一二三四五六七。', '一二三四五六七，一二三四五六七。', '一二三四五六七，一二三四五六七。', '一二三四五六七，一二三四五六七。']))).not.toBeNull();
    expect(regulatedVerse(poem(['秦川雄帝宅，函谷壯皇居。']))).toBeNull(); // one couplet
    expect(regulatedVerse(poem(['秦川雄帝宅，函谷壯皇居。', '綺殿千尋起，離宮百雉。']))).toBeNull(); // 5 and 4
    expect(regulatedVerse(poem(['秦川雄帝宅，函谷壯皇居。', '一二三四五六七，一二三四五六七。']))).toBeNull(); // 5 and 7
    expect(regulatedVerse(poem(['秦川雄帝宅，函谷壯□居。', '綺殿千尋起，離宮百雉餘。']))).toBeNull(); // a lost character
    expect(regulatedVerse(poem(['一二三四，五六七八。', '一二三四，五六七八。']))).toBeNull(); // 4 characters
  });

  it('builds the same files from the same package files, and writes the dedup and order it says', () => {
    // A miniature package with the real layout: the transform sees only these strings.
    const chapters = JSON.stringify([{ chapter: '学而篇', paragraphs: ['子曰：“学而时习之，不亦说乎？”', '子曰：“巧言令色,鲜矣仁！”'] }]);
    const single = (title: string) => JSON.stringify({ chapter: title, paragraphs: ['大學之道，在明明德。'] });
    const poems = (i: number) => JSON.stringify([
      { title: `詩${i}`, author: '某', paragraphs: ['秦川雄帝宅，函谷壯皇居。', '綺殿千尋起，離宮百雉餘。'], id: 'x' },
      { title: '重出', author: '某', paragraphs: ['秦川雄帝宅，函谷壯皇居。', '綺殿千尋起，離宮百雉餘。'], id: 'y' },
      { title: '古風', author: '某', paragraphs: ['一二三四，五六七八。'], id: 'z' },
    ]);
    const files: Record<string, string> = { 'package/LICENSE': 'MIT\n' };
    for (const p of sourcePaths()) {
      if (p.endsWith('lunyu.json') || p.endsWith('mengzi.json')) files[p] = chapters;
      else if (p.endsWith('daxue.json')) files[p] = single('大學');
      else if (p.endsWith('zhongyong.json')) files[p] = single('中庸');
      else if (p.includes('poet.tang.')) files[p] = poems(Number(/poet\.tang\.(\d+)\.json/.exec(p)![1]));
    }
    expect(sourcePaths()).toHaveLength(1 + 4 + TANG_FILES);
    const read = (p: string) => { if (!(p in files)) throw new Error(`unexpected read ${p}`); return files[p]; };
    const a = buildFiles(read), b = buildFiles(read);
    expect([...a]).toEqual([...b]);
    expect(a.get('LICENSE')).toBe('MIT\n');
    const tang = JSON.parse(a.get('tang.json')!);
    expect(tang.source).toBe(`${PACKAGE}@${VERSION}`);
    expect(tang.poems).toEqual([{ title: '詩0', author: '某', text: '秦川雄帝宅，函谷壯皇居。綺殿千尋起，離宮百雉餘。' }]); // later copies dropped
    const classics = JSON.parse(a.get('classics.json')!);
    expect(classics.books.map((x: { id: string }) => x.id)).toEqual(['analects', 'mencius', 'great-learning', 'doctrine-of-the-mean']);
    expect(classics.books[0].chapters[0].passages[1]).toBe('子曰：“巧言令色，鲜矣仁！”');
  });
});
