// The CLI's side of Hugging Face folders, around any stage:
//   --from-hf DIR     import the folder into a TabGPT checkpoint the stage starts from (as --from)
//   --export-hf DIR   write the stage's final model as a Hugging Face folder; with --steps 0 no
//                     stage runs: a plain conversion of --from-hf DIR or --from ckpt.safetensors
// Everything is checked before training starts (the folder, the export target, the stage), so a
// bad argument never costs a run. The formats themselves live in src/hf/.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgSpec } from './args';
import { writeFileAtomic } from './write-file';
import type { HfFiles } from '../hf/folder';
import { HfError } from '../hf/errors';
import { importHf, importToCheckpoint, type HfImport } from '../hf/import';
import { exportHf, type ExportDtype } from '../hf/export';
import { hfArchOf } from '../hf/config-write';
import { ARCHITECTURES } from '../hf/config-read';
import { readAnyCheckpoint } from '../train/reward';
import { tokenizerFromJSON } from '../tokenizer';
import { countParams } from '../model/params';
import { checkLmMemory, lmMemoryPlan } from '../train/lm-memory';
import { formatBytes } from '../util/format';
import type { ModelConfig } from '../model/config';

export const HF_OPTIONS = {
  'from-hf': { kind: 'string', help: 'start from a Hugging Face model folder (config.json, model.safetensors, tokenizer.json)' },
  'export-hf': { kind: 'string', help: 'write the final model as a Hugging Face folder (with --steps 0: convert only)' },
  'export-dtype': { kind: 'string', choices: ['F32', 'BF16', 'F16'], help: 'weights dtype for --export-hf (default F32)' },
  'memory-budget': { kind: 'number', min: 1, max: 1e9, help: 'refuse runs planned above this many MiB of GPU memory' },
} satisfies ArgSpec;

type Args = Record<string, string | number | boolean | undefined>;

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

function describeImport({ folder, tokenizer }: HfImport): string {
  const c = folder.config;
  return `imported ${ARCHITECTURES[folder.arch]}: ${(countParams(c) / 1e6).toFixed(2)}M parameters, ${c.nLayer} layers, d_model ${c.dModel}, `
    + `${c.nHead} heads${c.nKvHead !== c.nHead ? ` (${c.nKvHead} key/value)` : ''}, vocabulary ${c.vocabSize} (tokenizer ${tokenizer.vocabSize}), `
    + `context ${c.contextLength}, weights ${folder.sourceDtypes.join('+')} → F32`;
}

function exportTarget(dir: string): void {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
    throw new HfError(`--export-hf ${dir} exists and is not an empty folder; pick a new folder so nothing is overwritten.`);
}

function exportDtype(v: unknown): ExportDtype {
  const d = (v ?? 'F32') as string;
  if (!['F32', 'BF16', 'F16'].includes(d)) throw new HfError(`--export-dtype must be F32, BF16 or F16, got "${d}".`);
  return d as ExportDtype;
}

async function writeExport(bytes: Uint8Array, dir: string, dtype: ExportDtype, imported: HfImport | null): Promise<void> {
  const ck = readAnyCheckpoint(bytes);
  if (ck.stage === 'reward') throw new HfError('A reward model (a model with a scalar head) has no causal-LM Hugging Face export; export the SFT model it started from.');
  const params = Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
  const files = exportHf({ config: ck.config, params, tokenizer: tokenizerFromJSON(ck.tokenizer as never), base: imported?.folder ?? null, dtype });
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data);
  console.log(`exported ${ARCHITECTURES[hfArchOf(ck.config)]} (${dtype}) to ${dir}: ${[...files.keys()].join(', ')}`);
}

/** Plans an LM stage's GPU memory for an imported model before anything is built (RL plans its own). */
function checkImportMemory(stageName: string, c: ModelConfig, args: Args, limits: GPUSupportedLimits): void {
  if (stageName === 'rl') return;
  const batch = (args.batch as number | undefined) ?? 8;
  const rows = stageName === 'reward' ? 2 * batch : batch;
  const T = Math.min((args.seq as number | undefined) ?? c.contextLength, c.contextLength);
  const budget = args['memory-budget'] !== undefined ? (args['memory-budget'] as number) * 2 ** 20 : undefined;
  const total = checkLmMemory(limits, lmMemoryPlan(c, rows, T), budget);
  console.log(`planned GPU memory for ${stageName} at ${rows} × ${T} tokens: ${formatBytes(total)}`);
}

/** Runs `stage` with --from-hf / --export-hf handled around it (see the header). `limits`: the
 *  adapter's, to refuse an imported model that cannot train in it before anything is built. */
export async function runWithHf(stageName: string, args: Args, stage: (args: Args) => Promise<void>, limits?: GPUSupportedLimits): Promise<void> {
  const fromHf = args['from-hf'] as string | undefined, exportDir = args['export-hf'] as string | undefined;
  if (!fromHf && !exportDir) {
    if (args['export-dtype'] !== undefined) throw new HfError('--export-dtype needs --export-hf DIR.');
    return stage(args);
  }
  if (fromHf && args.from) throw new HfError('Pass either --from (a TabGPT checkpoint) or --from-hf (a Hugging Face folder), not both.');
  const dtype = exportDtype(args['export-dtype']);
  if (exportDir) {
    exportTarget(exportDir);
    if (stageName === 'reward') throw new HfError('--export-hf: a reward model (a model with a scalar head) has no causal-LM Hugging Face export; export the SFT model it starts from.');
  }
  const imported = fromHf ? await importHf(nodeHfFiles(fromHf)) : null;
  if (imported) console.log(describeImport(imported));
  const importedBytes = imported ? importToCheckpoint(imported) : null;

  if (exportDir && args.steps === 0) {
    if (!importedBytes && !args.from) throw new HfError('--steps 0 --export-hf converts a model: pass --from-hf DIR or --from ckpt.safetensors.');
    await writeExport(importedBytes ?? new Uint8Array(readFileSync(args.from as string)), exportDir, dtype, imported);
    return;
  }
  if (imported && limits) checkImportMemory(stageName, imported.folder.config, args, limits);
  const scratch = mkdtempSync(join(tmpdir(), 'tabgpt-hf-'));
  try {
    const runArgs = { ...args };
    if (importedBytes) { runArgs.from = join(scratch, 'imported.safetensors'); await writeFileAtomic(runArgs.from, importedBytes); }
    if (exportDir && !runArgs.out) runArgs.out = join(scratch, 'final.safetensors');
    await stage(runArgs);
    if (exportDir) await writeExport(new Uint8Array(readFileSync(runArgs.out as string)), exportDir, dtype, imported);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
