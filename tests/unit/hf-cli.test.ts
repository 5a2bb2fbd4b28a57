// The CLI glue around any stage (src/cli/hf-io.ts): --from-hf hands the stage a TabGPT checkpoint
// of the imported folder, --export-hf writes what the stage saved, --steps 0 converts without
// running a stage, and every refusal comes before a stage runs and writes nothing.
// The stage here is a stand-in that records its arguments and saves a checkpoint; the real stages
// are exercised with --from-hf by hand and in the GPU tests.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithHf } from '../../src/cli/hf-io';
import { readCheckpoint } from '../../src/train/pretrain';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { decodeSafetensors } from '../../src/checkpoint/safetensors';
import { paramSpecs } from '../../src/model/params';
import { f32ToBf16 } from '../../src/hf/dtype';

const FIXTURES = join(__dirname, '../../../shared/hf-fixtures');

function gpt2Folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hf-cli-in-'));
  for (const f of ['config.json', 'generation_config.json', 'model.safetensors']) writeFileSync(join(dir, f), readFileSync(join(FIXTURES, 'gpt2-tiny', f)));
  writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(FIXTURES, 'tokenizers/bytelevel-bpe.tokenizer.json')));
  return dir;
}
const fresh = () => join(mkdtempSync(join(tmpdir(), 'hf-cli-out-')), 'out');
const never = async () => { throw new Error('the stage must not run'); };

describe('CLI --from-hf / --export-hf', () => {
  it('--steps 0 converts a folder without running a stage, tensors bit for bit', async () => {
    const out = fresh();
    await runWithHf('pretrain', { 'from-hf': gpt2Folder(), steps: 0, 'export-hf': out }, never);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(FIXTURES, 'gpt2-tiny/model.safetensors')))).toBe(true);
    expect(existsSync(join(out, 'tokenizer.json')) && existsSync(join(out, 'README.md'))).toBe(true);
  });

  it('hands the stage the imported model as --from and exports what it saved', async () => {
    const out = fresh();
    let seen: Record<string, unknown> = {};
    await runWithHf('sft', { 'from-hf': gpt2Folder(), steps: 2, 'export-hf': out, 'export-dtype': 'BF16' }, async (args) => {
      seen = { ...args };
      const ck = readCheckpoint(new Uint8Array(readFileSync(args.from as string)));
      expect(ck.config).toMatchObject({ vocabSize: 320, nLayer: 2, dModel: 64, norm: 'layernorm', positions: 'learned' });
      const params = Object.fromEntries(paramSpecs(ck.config).map((p) => [p.name, { data: ck.params[p.name].data.map((x) => 2 * x), shape: p.shape }]));
      writeFileSync(args.out as string, encodeCheckpoint({ ...ck, stage: 'sft', step: 2, params }));
    });
    expect(existsSync(seen.from as string)).toBe(false); // scratch files are removed
    const theirs = decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, 'gpt2-tiny/model.safetensors')))).tensors.get('transformer.ln_f.weight')!.data as Float32Array;
    const ours = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors')))).tensors.get('transformer.ln_f.weight')!;
    expect(ours.dtype).toBe('BF16');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dtype).toBe('bfloat16');
    // What the stage saved (every weight doubled), narrowed to BF16.
    expect(Array.from(ours.data as Uint16Array)).toEqual(Array.from(f32ToBf16(theirs.map((x) => 2 * x))));
  });

  it('converts a TabGPT checkpoint with --from ckpt --steps 0', async () => {
    const inDir = mkdtempSync(join(tmpdir(), 'hf-cli-ck-'));
    const out = fresh();
    await runWithHf('pretrain', { 'from-hf': gpt2Folder(), steps: 0, 'export-hf': out }, never);
    const ck = join(inDir, 'x.safetensors');
    await runWithHf('sft', { 'from-hf': out, steps: 1, out: ck }, async (args) => writeFileSync(args.out as string, readFileSync(args.from as string)));
    const again = fresh();
    await runWithHf('rl', { from: ck, steps: 0, 'export-hf': again }, never);
    expect(readFileSync(join(again, 'model.safetensors')).equals(readFileSync(join(out, 'model.safetensors')))).toBe(true);
  });

  it('refuses bad combinations before any stage runs, writing nothing', async () => {
    const folder = gpt2Folder();
    const out = fresh();
    await expect(runWithHf('sft', { 'from-hf': folder, from: 'x.safetensors' }, never)).rejects.toThrow('Pass either --from (a TabGPT checkpoint) or --from-hf (a Hugging Face folder), not both.');
    await expect(runWithHf('reward', { 'from-hf': folder, 'export-hf': out }, never)).rejects.toThrow(/reward model .* has no causal-LM Hugging Face export/);
    await expect(runWithHf('sft', { 'from-hf': folder, 'export-hf': out, 'export-dtype': 'F8' }, never)).rejects.toThrow('--export-dtype must be F32, BF16 or F16, got "F8".');
    await expect(runWithHf('sft', { 'export-dtype': 'BF16' }, never)).rejects.toThrow('--export-dtype needs --export-hf DIR.');
    await expect(runWithHf('sft', { steps: 0, 'export-hf': out }, never)).rejects.toThrow(/converts a model: pass --from-hf DIR or --from ckpt.safetensors/);
    await expect(runWithHf('sft', { 'from-hf': join(folder, 'nope'), 'export-hf': out }, never)).rejects.toThrow(/is not a folder/);
    writeFileSync(join(folder, 'config.json'), '{"model_type": "bert"}');
    await expect(runWithHf('sft', { 'from-hf': folder, 'export-hf': out }, never)).rejects.toThrow('config.json: model_type = "bert" is not supported: TabGPT reads "gpt2" and "llama" models only.');
    expect(existsSync(out)).toBe(false);
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(runWithHf('sft', { 'from-hf': gpt2Folder(), steps: 0, 'export-hf': out }, never)).rejects.toThrow(/exists and is not an empty folder/);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('refuses an imported model that cannot train within the adapter limits or the budget, before the stage', async () => {
    const limits = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 } as GPUSupportedLimits;
    const out = fresh();
    // The parameter count from the file itself (GPT-2 ties its head, so every parameter is a tensor).
    let P = 0;
    for (const t of decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, 'gpt2-tiny/model.safetensors')))).tensors.values()) P += t.data.length;
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const message = await runWithHf('sft', { 'from-hf': gpt2Folder(), batch: 8, 'memory-budget': 2, 'export-hf': out }, never, limits).then(() => '', (e: Error) => e.message);
    expect(message.startsWith(`This run needs `)).toBe(true);
    expect(message).toContain(`(weights ${kib(4 * P)}, gradients ${kib(4 * P)}, AdamW moments ${kib(8 * P)}, activations (8 × 64) `);
    expect(message).toContain(`logits ${kib(4 * 8 * 64 * (320 + 3))}, `);
    expect(message).toMatch(/more than the 2.00 MiB budget: use a smaller batch/);
    const small = { maxBufferSize: 256 * 1024, maxStorageBufferBindingSize: 256 * 1024 } as GPUSupportedLimits;
    await expect(runWithHf('reward', { 'from-hf': gpt2Folder(), batch: 4 }, never, small))
      .rejects.toThrow('The logits of 512 tokens needs one buffer of 640.0 KiB, but this GPU allows at most 256.0 KiB per buffer.');
    expect(existsSync(out)).toBe(false);
    let ran = false;
    await runWithHf('sft', { 'from-hf': gpt2Folder(), batch: 2, 'memory-budget': 64 }, async () => { ran = true; }, limits);
    expect(ran).toBe(true);
  });
});
