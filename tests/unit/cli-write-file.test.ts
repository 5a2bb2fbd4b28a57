// The CLI's output writer (src/cli/write-file.ts): bad --out paths refused before any training, and a
// write that is complete under the real name or absent, even when it fails or is interrupted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputPath, writeFileAtomic } from '../../src/cli/write-file';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tabgpt-out-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkOutputPath', () => {
  it('accepts a new file or an existing one in a writable directory, and leaves nothing behind', () => {
    checkOutputPath(join(dir, 'new.safetensors'));
    writeFileSync(join(dir, 'old.safetensors'), 'old');
    checkOutputPath(join(dir, 'old.safetensors'));
    expect(readdirSync(dir)).toEqual(['old.safetensors']);
  });

  it('refuses a directory', () => {
    expect(() => checkOutputPath(dir)).toThrow(`--out ${dir} is a directory; give a file name, such as ${join(dir, 'model.safetensors')}.`);
  });

  it('refuses a missing directory', () => {
    const path = join(dir, 'runs', 'a.safetensors');
    expect(() => checkOutputPath(path, '--out')).toThrow(`--out ${path}: the directory ${join(dir, 'runs')} does not exist. Create it first (mkdir -p ${join(dir, 'runs')}) or give another path.`);
  });

  it('refuses a parent that is a file, and a target that is not a regular file', () => {
    writeFileSync(join(dir, 'f'), '');
    expect(() => checkOutputPath(join(dir, 'f', 'a.safetensors'))).toThrow(`--out ${join(dir, 'f', 'a.safetensors')}: ${join(dir, 'f')} is not a directory.`);
    expect(() => checkOutputPath('/dev/null')).toThrow('--out /dev/null exists and is not a regular file; give another path.');
  });
});

describe('writeFileAtomic', () => {
  it('writes the bytes, replacing an old file, with no temp file left', async () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, 'old');
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
    const seen: number[] = [];
    await writeFileAtomic(path, bytes, { onProgress: (w, total) => { seen.push(w, total); } });
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    expect(seen).toEqual([100_003, 100_003]);
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('writes an empty file', async () => {
    await writeFileAtomic(join(dir, 'empty'), new Uint8Array(0));
    expect(statSync(join(dir, 'empty')).size).toBe(0);
  });

  it('a failure mid-write removes the temp file and keeps the old file', async () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, 'old');
    const write = writeFileAtomic(path, new Uint8Array(40 << 20), { onProgress: () => { throw new Error('disk full'); } });
    await expect(write).rejects.toThrow(`Could not write ${path}: disk full`);
    expect(readdirSync(dir)).toEqual(['a.bin']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('a failing rename (the target became a directory) leaves no temp file', async () => {
    const path = join(dir, 'a.bin');
    mkdirSync(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, new Uint8Array(10))).rejects.toThrow(`Could not write ${path}: `);
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it.each(['SIGINT', 'SIGTERM'])('%s mid-write: the process dies of it, no temp file, the old file intact', (signal) => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old');
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'tests/unit/fixtures/cli-interrupted-write.ts', path, signal], { encoding: 'utf8' });
    expect(child.stdout).toBe(`interrupting at ${16 << 20} of ${64 << 20}\n`);
    expect(child.signal).toBe(signal);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});
