// Node-only: gives Dawn's graphics stack a usable XDG_RUNTIME_DIR. Mesa's EGL can probe Wayland,
// and libwayland-client prints "error: XDG_RUNTIME_DIR is invalid or not set in the environment."
// (twice) when the variable is unset or not an absolute path, as on servers, containers and CI.
// A headless run needs no display, so when the variable is unusable this points it at a fresh private
// directory (mode 0700, removed at exit) before the GPU is created. A usable one is left alone.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Usable as the XDG base-directory spec asks: an absolute path to a directory that only we can use. */
export function isUsableRuntimeDir(dir: string | undefined): boolean {
  if (!dir || !isAbsolute(dir)) return false;
  try {
    const s = statSync(dir);
    const mine = process.getuid === undefined || s.uid === process.getuid();
    return s.isDirectory() && mine && (s.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Sets env.XDG_RUNTIME_DIR to a new private directory unless it is usable; returns the one it made. */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux' || isUsableRuntimeDir(env.XDG_RUNTIME_DIR)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tabgpt-xdg-'));  // created with mode 0700
  env.XDG_RUNTIME_DIR = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
