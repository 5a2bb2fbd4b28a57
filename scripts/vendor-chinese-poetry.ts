// Vendors the classical-Chinese corpus from the `chinese-poetry` npm package (2.0.1, MIT), so that the
// 85 MB package is not a dependency: packs it into a temporary folder with `npm pack`, checks the
// tarball against the pinned integrity, extracts only the files used, normalises them into a compact
// JSON form and writes them, with the package's LICENSE, a README and a manifest of SHA-256 hashes,
// to src/data/classical/vendor/. Running it again reproduces every file byte for byte
// (tests/unit/classical-vendor.test.ts checks the files against the manifest).
//
//   npx tsx scripts/vendor-chinese-poetry.ts              regenerate the vendored files
//   npx tsx scripts/vendor-chinese-poetry.ts --check      regenerate in memory and compare, write nothing
//   npx tsx scripts/vendor-chinese-poetry.ts --tarball chinese-poetry-2.0.1.tgz   use a tarball already here
//
// Needs `npm` (unless --tarball) and `tar` on the PATH. Does not parse or serve the corpus to the
// app: src/data/classical/corpus.ts does that.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PACKAGE = 'chinese-poetry';
export const VERSION = '2.0.1';
/** `npm view chinese-poetry@2.0.1 dist.integrity`: the tarball must be exactly this one. */
export const INTEGRITY = 'sha512-KtYARvV7CWNtax0na9+Jn6PlhGgSoid7PWyDzXI4KsCEm2odZcqEQyval5koaLygZnM/EQ3lfJ//25K8p3uHNg==';
/** Tang poems come from the first this many files of dist/quantangshi (poet.tang.0 … 9000.json). */
export const TANG_FILES = 10;

/** The four books, in the order the corpus lists them; `file` is inside the package's dist/. */
const BOOKS = [
  { id: 'analects', title: '论语', file: 'lunyu/lunyu.json' },
  { id: 'mencius', title: '孟子', file: 'sishuwujing/mengzi.json' },
  { id: 'great-learning', title: '大學', file: 'sishuwujing/daxue.json' },
  { id: 'doctrine-of-the-mean', title: '中庸', file: 'sishuwujing/zhongyong.json' },
] as const;

const tangFile = (i: number) => `quantangshi/poet.tang.${i * 1000}.json`;

/** Paths inside the tarball that the corpus is built from. */
export function sourcePaths(): string[] {
  return ['package/LICENSE', ...BOOKS.map((b) => `package/dist/${b.file}`), ...Array.from({ length: TANG_FILES }, (_, i) => `package/dist/${tangFile(i)}`)];
}

interface SourceChapter { chapter: string; paragraphs: string[] }
interface SourcePoem { title: string; author: string; paragraphs: string[] }

const ASCII_TO_FULL: Record<string, string> = { ',': '，', ':': '：', '?': '？', ';': '；', '!': '！' };

/** One passage as the corpus keeps it: ASCII punctuation typed by mistake becomes full-width, a
 *  trailing editorial footnote ("1. 猶 : 或作「由」…") and its number marker are dropped. */
export function cleanPassage(p: string): string {
  return p
    .replace(/\d+\.\s.*$/s, '')
    .replace(/\d+/g, '')
    .replace(/[,:?;!]/g, (c) => ASCII_TO_FULL[c])
    .replace(/\s+/g, '')
    .trim();
}

/** A couplet of regulated verse: two clauses of n Han characters (basic CJK block), "，" then "。". */
const COUPLET = /^([\u4e00-\u9fff]+)，([\u4e00-\u9fff]+)。$/;

/** Quatrains (2 couplets) and regulated verse (4), all clauses 5 or all 7 characters; else null. */
export function regulatedVerse(poem: SourcePoem): string | null {
  const ps = poem.paragraphs.map((p) => p.trim());
  if (ps.length !== 2 && ps.length !== 4) return null;
  const lengths = new Set<number>();
  for (const p of ps) {
    const m = COUPLET.exec(p);
    if (!m) return null;
    lengths.add(m[1].length).add(m[2].length);
  }
  if (lengths.size !== 1 || !(lengths.has(5) || lengths.has(7))) return null;
  return ps.join('');
}

/** An array with one element per line, so that a diff of the vendored file stays readable. */
function jsonLines(items: unknown[]): string {
  return items.length === 0 ? '[]' : `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]`;
}

/** The vendored files (name → content) from a reader of the extracted package's files. */
export function buildFiles(read: (path: string) => string): Map<string, string> {
  const source = `${PACKAGE}@${VERSION}`;
  const books = BOOKS.map((b) => {
    const parsed = JSON.parse(read(`package/dist/${b.file}`)) as SourceChapter | SourceChapter[];
    const chapters = (Array.isArray(parsed) ? parsed : [parsed]).map((c) => ({
      title: c.chapter.trim(),
      passages: c.paragraphs.map(cleanPassage).filter((p) => p.length > 0),
    }));
    return { id: b.id, title: b.title, chapters };
  });
  const classics = `{"source":${JSON.stringify(source)},"books":[\n${books.map((b) =>
    `{"id":${JSON.stringify(b.id)},"title":${JSON.stringify(b.title)},"chapters":${jsonLines(b.chapters)}}`).join(',\n')}\n]}\n`;

  const seen = new Set<string>();
  const poems: { title: string; author: string; text: string }[] = [];
  for (let i = 0; i < TANG_FILES; i++) {
    for (const p of JSON.parse(read(`package/dist/${tangFile(i)}`)) as SourcePoem[]) {
      const text = regulatedVerse(p);
      if (text === null || seen.has(text)) continue;
      seen.add(text);
      poems.push({ title: p.title.trim(), author: p.author.trim(), text });
    }
  }
  const selection = `quatrains and regulated verse (2 or 4 couplets, all clauses 5 or all 7 characters), first occurrence of each text, from ${tangFile(0)} to ${tangFile(TANG_FILES - 1)}`;
  const tang = `{"source":${JSON.stringify(source)},"selection":${JSON.stringify(selection)},"poems":${jsonLines(poems)}}\n`;

  const readme = [
    '# Classical-Chinese corpus (vendored)',
    '',
    `Generated by scripts/vendor-chinese-poetry.ts from the npm package ${source} (MIT licence, see LICENSE),`,
    'so that the 85 MB package is not a dependency. Do not edit these files by hand.',
    '',
    '- classics.json: the Analects (论语), Mencius (孟子), the Great Learning (大學) and the Doctrine of the Mean (中庸),',
    '  by book and chapter, one passage per string; ASCII punctuation made full-width, one editorial footnote dropped.',
    `- tang.json: ${poems.length} Tang poems: ${selection}.`,
    '- manifest.json: size and SHA-256 of each file; tests/unit/classical-vendor.test.ts checks them.',
    '',
    'Regenerate (byte for byte) with `npx tsx scripts/vendor-chinese-poetry.ts`, or check with `--check`.',
    '',
  ].join('\n');

  return new Map([
    ['LICENSE', read('package/LICENSE')],
    ['README.md', readme],
    ['classics.json', classics],
    ['tang.json', tang],
  ]);
}

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** The manifest of `files` (without itself), as written next to them. */
export function manifest(files: Map<string, string>): string {
  const entries = [...files].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, text]) => ({ path, bytes: Buffer.byteLength(text, 'utf8'), sha256: sha256(text) }));
  return `${JSON.stringify({ package: PACKAGE, version: VERSION, integrity: INTEGRITY, files: entries }, null, 2)}\n`;
}

function integrityOf(path: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
}

function packTarball(dir: string): string {
  const out = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', dir, '--json', '--silent'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [info] = JSON.parse(out) as { filename: string }[];
  return join(dir, info.filename);
}

export const VENDOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../src/data/classical/vendor');

function main(argv: string[]): void {
  const check = argv.includes('--check');
  const at = argv.indexOf('--tarball');
  const tmp = mkdtempSync(join(tmpdir(), 'chinese-poetry-'));
  try {
    const tarball = at >= 0 ? resolve(argv[at + 1] ?? '') : packTarball(tmp);
    if (!existsSync(tarball)) throw new Error(`No tarball at ${tarball}.`);
    const got = integrityOf(tarball);
    if (got !== INTEGRITY) throw new Error(`${tarball} is not ${PACKAGE}@${VERSION} as pinned: integrity ${got}, expected ${INTEGRITY}.`);
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, ...sourcePaths()]);
    const files = buildFiles((p) => readFileSync(join(tmp, p), 'utf8'));
    files.set('manifest.json', manifest(files));
    if (check) {
      const differ = [...files].filter(([name, text]) => !existsSync(join(VENDOR_DIR, name)) || readFileSync(join(VENDOR_DIR, name), 'utf8') !== text).map(([n]) => n);
      const extra = existsSync(VENDOR_DIR) ? readdirSync(VENDOR_DIR).filter((n) => !files.has(n)) : [];
      if (differ.length || extra.length) {
        console.error(`Vendored corpus differs from ${PACKAGE}@${VERSION}: ${[...differ.map((n) => `${n} (changed)`), ...extra.map((n) => `${n} (not generated)`)].join(', ')}.`);
        process.exitCode = 1;
      } else console.log(`Vendored corpus matches ${PACKAGE}@${VERSION} byte for byte (${files.size} files).`);
      return;
    }
    mkdirSync(VENDOR_DIR, { recursive: true });
    for (const name of readdirSync(VENDOR_DIR)) if (!files.has(name)) rmSync(join(VENDOR_DIR, name));
    for (const [name, text] of files) writeFileSync(join(VENDOR_DIR, name), text);
    console.log(`Wrote ${[...files].map(([n, t]) => `${n} (${Buffer.byteLength(t)} bytes)`).join(', ')} to ${VENDOR_DIR}.`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
