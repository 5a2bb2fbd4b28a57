// The headless runner end to end, as a child process (`npm run train` without npm): each bad command
// line below exits 1 with its exact message, before a GPU is created (no "adapter:" line) and before
// anything is written. Refusals only; training itself is tested in tests/model. Refusals that need
// no file (--tokenizer foo, --sample-tokens 1e9, ...) are tested without a process in cli-args.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointBytes } from './fixtures/cli-checkpoints';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tabgpt-cli-'));
  writeFileSync(join(dir, 'rm.safetensors'), checkpointBytes('reward'));
  writeFileSync(join(dir, 'nan.safetensors'), checkpointBytes('pretrain', (w) => { for (const k in w) w[k].fill(NaN); }));
  mkdirSync(join(dir, 'runs'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(...argv: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './scripts/register-raw.mjs', 'src/cli/train.ts', ...argv], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectRefused(argv: string[], message: string) {
  expect(train(...argv)).toEqual({ status: 1, stdout: '', stderr: `\nerror: ${message}\n` });
}

describe('npm run train refuses, before the GPU starts', () => {
  it('--stage=sft with a reward checkpoint: SFT is selected and names the checkpoint stage', () => {
    const rm = join(dir, 'rm.safetensors');
    expectRefused(['--stage=sft', `--from=${rm}`],
      `--from ${rm} is a reward-model checkpoint (stage "reward"), but --stage sft --from takes a pretrain, sft or rl checkpoint.`
      + ' A reward model goes to --stage rl --reward, or to --stage reward to train it further.');
  });

  it('--out pointing at a directory, writing nothing', () => {
    const out = join(dir, 'runs');
    expectRefused(['--steps', '1', '--out', out], `--out ${out} is a directory; give a file name, such as ${join(out, 'model.safetensors')}.`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--out in a missing directory', () => {
    const out = join(dir, 'missing', 'a.safetensors');
    expectRefused(['--steps', '1', '--out', out],
      `--out ${out}: the directory ${join(dir, 'missing')} does not exist. Create it first (mkdir -p ${join(dir, 'missing')}) or give another path.`);
  });

  it('an all-NaN checkpoint, naming a tensor', () => {
    const nan = join(dir, 'nan.safetensors');
    expectRefused(['--from', nan, '--steps', '1'],
      `--from ${nan} has non-finite values: tensor "h.0.attn.proj.bias" holds NaN at element 0 (16 tensors hold NaN or ±Infinity). `
      + 'Training or sampling from it cannot work; use an earlier checkpoint.');
  });
});
