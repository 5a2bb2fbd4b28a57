// Writing an output file (a checkpoint) so that it is either complete under its real name or not
// there at all: checkOutputPath refuses a bad path before any training starts; writeFileAtomic writes
// a temp file in the same directory, flushes it (fsync), renames it over the real name and flushes
// the directory, and removes the temp file if anything fails or a SIGINT/SIGTERM/SIGHUP arrives while
// it writes. Does not protect against SIGKILL or power loss mid-write: those can leave a
// `.NAME.PID.tmp` file (never a partial NAME).
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const CHUNK = 16 << 20;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Throws, with a message naming `option`, unless `path` can be written: its directory exists and is
 * writable (tried by creating and removing a probe file), and `path` is not a directory or another
 * non-regular file. Run before training, so a bad path never costs a run.
 */
export function checkOutputPath(path: string, option = '--out'): void {
  const full = resolve(path);
  const dir = dirname(full);
  let target;
  try {
    target = statSync(full);
  } catch (e) {
    if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') throw new Error(`${option} ${path}: cannot check it (${errno(e) ?? String(e)}).`);
  }
  if (target?.isDirectory()) throw new Error(`${option} ${path} is a directory; give a file name, such as ${join(path, 'model.safetensors')}.`);
  if (target && !target.isFile()) throw new Error(`${option} ${path} exists and is not a regular file; give another path.`);
  let parent;
  try {
    parent = statSync(dir);
  } catch (e) {
    if (errno(e) === 'ENOENT') throw new Error(`${option} ${path}: the directory ${dir} does not exist. Create it first (mkdir -p ${dir}) or give another path.`);
    throw new Error(`${option} ${path}: cannot reach the directory ${dir} (${errno(e) ?? String(e)}).`);
  }
  if (!parent.isDirectory()) throw new Error(`${option} ${path}: ${dir} is not a directory.`);
  const probe = tempPathFor(full);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`${option} ${path}: cannot write in ${dir} (${errno(e) ?? String(e)}).`);
  }
}

export interface WriteOptions {
  /** Called after each chunk reaches the temp file; the write waits for a returned promise. */
  onProgress?: (written: number, total: number) => void | Promise<void>;
}

/** fsync of a directory makes a rename in it durable; some file systems (and Windows) cannot do it. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    if (errno(e) !== 'EINVAL' && errno(e) !== 'ENOTSUP') throw e;
  } finally {
    await handle.close();
  }
}

/** Writes `bytes` to `path` all or nothing (see the module header). Replaces an existing file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, opts: WriteOptions = {}): Promise<void> {
  const full = resolve(path);
  const temp = tempPathFor(full);
  // On a signal: drop the temp file, then die of the same signal as if no handler were installed.
  const onSignal = (signal: NodeJS.Signals) => {
    removeHandlers();
    try { unlinkSync(temp); } catch { /* already renamed or never created */ }
    process.kill(process.pid, signal);
  };
  const removeHandlers = () => { for (const s of SIGNALS) process.off(s, onSignal); };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    const handle = await open(temp, 'wx');
    try {
      let at = 0;
      do {
        const n = Math.min(CHUNK, bytes.length - at);
        for (let done = 0; done < n;) done += (await handle.write(bytes, at + done, n - done, at + done)).bytesWritten;
        at += n;
        await opts.onProgress?.(at, bytes.length);
      } while (at < bytes.length);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, full);
    await syncDirectory(dirname(full));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw new Error(`Could not write ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    removeHandlers();
  }
}
