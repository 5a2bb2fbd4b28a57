// Writing files so that a crash never leaves a half-written checkpoint under the real name.
import { writeFileSync, renameSync } from 'node:fs';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}
