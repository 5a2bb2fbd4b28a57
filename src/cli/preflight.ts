// Checks of the files a command line names, run after parsing and before the GPU starts, so a typo
// in a path costs seconds, not a training run: inputs exist and are readable files, checkpoints
// come from a stage this one can load and hold finite numbers, outputs can be written. Which option
// is which comes from the stage's option spec (args.ts); this module knows no option by name.
import { closeSync, openSync, statSync } from 'node:fs';
import type { ArgSpec, ParsedArgs } from './args';
import { checkCheckpointFile } from './checkpoint-check';
import { checkOutputPath } from './write-file';

function checkInputFile(path: string, option: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' || code === 'ENOTDIR' ? `${option} ${path}: no such file.` : `${option} ${path}: cannot read it (${code ?? String(e)}).`);
  }
  if (stat.isDirectory()) throw new Error(`${option} ${path} is a directory, not a file.`);
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    throw new Error(`${option} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
  }
}

/** Throws the first problem with a path option in `args`, in the order `spec` declares them. */
export function preflight(args: ParsedArgs, spec: ArgSpec, stage: string): void {
  if (args.steps === 0 && args['export-hf'] === undefined)
    throw new Error('--steps 0 trains nothing: it only converts a model, with --export-hf DIR. Give at least 1 step to train.');
  for (const [name, s] of Object.entries(spec)) {
    const value = args[name];
    if (s.kind !== 'string' || !s.path || typeof value !== 'string') continue;
    const option = `--${name}`;
    if (s.path === 'output') { checkOutputPath(value, option); continue; }
    checkInputFile(value, option);
    if (s.path !== 'input') checkCheckpointFile(value, { option, stage, accepts: s.path.checkpoint });
  }
}
