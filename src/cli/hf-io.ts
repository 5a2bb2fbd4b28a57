// The CLI's side of Hugging Face folders: a folder on disk as HfFiles. (--from-hf / --export-hf
// glue is added below as it lands.) The formats themselves live in src/hf/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HfFiles } from '../hf/folder';
import { HfError } from '../hf/errors';

/** A directory as HfFiles; refuses a path that is not a directory. */
export function nodeHfFiles(dir: string): HfFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HfError(`${dir} is not a folder; pass the directory that save_pretrained wrote.`);
  return {
    async read(name: string) {
      const path = join(dir, name);
      return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
    },
  };
}
