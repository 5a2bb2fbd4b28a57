// XDG_RUNTIME_DIR for Dawn (src/gpu/node-runtime-dir.ts): an unusable one is replaced by a fresh
// private directory before the GPU starts (silencing libwayland's errors); a usable one is kept.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRuntimeDir, isUsableRuntimeDir } from '../../src/gpu/node-runtime-dir';

const made: string[] = [];
afterEach(() => { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); });
const tempDir = (mode: number) => { const d = mkdtempSync(join(tmpdir(), 'xdg-test-')); chmodSync(d, mode); made.push(d); return d; };

describe('ensureRuntimeDir', () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['relative', 'run/user'],
    ['missing', '/nonexistent/tabgpt-xdg'],
  ])('replaces an %s XDG_RUNTIME_DIR with a private directory', (_, value) => {
    const env: NodeJS.ProcessEnv = value === undefined ? {} : { XDG_RUNTIME_DIR: value };
    const dir = ensureRuntimeDir(env);
    expect(dir).toBeDefined();
    made.push(dir!);
    expect(env.XDG_RUNTIME_DIR).toBe(dir);
    const s = statSync(dir!);
    expect(s.isDirectory() && (s.mode & 0o777)).toBe(0o700);
    expect(isUsableRuntimeDir(dir)).toBe(true);
  });

  it('replaces a directory others can use, keeps a private one', () => {
    const shared = tempDir(0o755);
    expect(isUsableRuntimeDir(shared)).toBe(false);
    const mine = tempDir(0o700);
    const env: NodeJS.ProcessEnv = { XDG_RUNTIME_DIR: mine };
    expect(ensureRuntimeDir(env)).toBeUndefined();
    expect(env.XDG_RUNTIME_DIR).toBe(mine);
  });
});
