// The reward-model stage of the headless runner: a scalar head on an SFT model learns which of two
// replies is better from preference pairs (Bradley–Terry loss).
//   npm run train -- --stage reward --from sft.safetensors [--data pairs.jsonl] --out rm.safetensors
// With no --data it trains on built-in pairs (--task). Prints held-out pairwise accuracy before and after.
import { readFileSync } from 'node:fs';
import type { ArgSpec } from './args';
import type { CliStage } from './stage';
import type { Gpu } from '../gpu/gpu';
import { writeFileAtomic } from './write-file';
import { LANGUAGE_MODEL_STAGES } from './checkpoint-check';
import { readJsonl } from './jsonl-file';
import { runInTerminal } from './run-loop';
import { RewardRun } from '../train/reward';
import type { RewardStepResult } from '../train/reward-trainer';
import type { RewardMetrics } from '../train/reward-metrics';
import { parsePairsJsonl } from '../data/chat/jsonl';
import { preferencePairs, loadTaskFamilies, ALL_TASK_NAMES as TASK_NAMES } from '../tasks';

const SPEC = {
  from: { kind: 'string', path: { checkpoint: [...LANGUAGE_MODEL_STAGES, 'reward'] }, help: 'the SFT (or reward, to resume) checkpoint to start from (required)' },
  data: { kind: 'string', path: 'input', help: 'JSONL of {"prompt", "chosen", "rejected"} (strings or messages) (default: built-in pairs)' },
  task: { kind: 'string', choices: TASK_NAMES, help: 'built-in pairs without --data (default all)' },
  pairs: { kind: 'number', integer: true, min: 1, max: 1e6, help: 'built-in training pairs (default 4000)' },
  'heldout-pairs': { kind: 'number', integer: true, min: 1, max: 1e5, help: 'built-in held-out pairs (default 200)' },
  'skip-bad-lines': { kind: 'flag', help: 'train on the good lines of a JSONL file that has bad ones' },
  fresh: { kind: 'flag', help: 'start a new head even from a reward checkpoint' },
  steps: { kind: 'number', integer: true, min: 0, max: 1e7, help: 'total optimizer steps (default 200; 0 with --export-hf: convert only)' },
  batch: { kind: 'number', integer: true, min: 1, max: 4096, help: 'pairs per micro-batch (default 8)' },
  seq: { kind: 'number', integer: true, min: 1, max: 65536, help: 'row length in tokens (default: the context length)' },
  accum: { kind: 'number', integer: true, min: 1, max: 1024, help: 'gradient accumulation steps (default 1)' },
  lr: { kind: 'number', min: 0, max: 10, help: 'peak learning rate (default 1e-3)' },
  'eval-every': { kind: 'number', integer: true, min: 0, max: 1e7, help: 'held-out metrics every N steps (default 50)' },
  seed: { kind: 'number', integer: true, min: 0, max: 2 ** 32 - 1, help: 'random seed (default 1337)' },
  out: { kind: 'string', path: 'output', help: 'write a checkpoint (stage reward) here at the end' },
} satisfies ArgSpec;

type Args = { [K in keyof typeof SPEC]?: (typeof SPEC)[K]['kind'] extends 'number' ? number : (typeof SPEC)[K]['kind'] extends 'flag' ? boolean : string };

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function show(label: string, m: RewardMetrics): void {
  console.log(`${label}: pairwise accuracy ${pct(m.accuracy)} on ${m.pairs} held-out pairs, mean margin ${m.meanMargin.toFixed(3)}, loss ${m.loss.toFixed(4)}`
    + `\n  chosen ${m.chosen.mean.toFixed(3)} ± ${m.chosen.std.toFixed(3)}, rejected ${m.rejected.mean.toFixed(3)} ± ${m.rejected.std.toFixed(3)}`);
}

function line(run: RewardRun, r: RewardStepResult): string {
  return `step ${r.step}/${run.totalSteps} loss ${r.loss.toFixed(4)} batch accuracy ${pct(r.accuracy)} margin ${r.margin.toFixed(3)}`
    + (run.lastMetrics ? ` held-out ${pct(run.lastMetrics.accuracy)}` : '') + ` epoch ${run.epochs.toFixed(2)} lr ${r.lr.toExponential(2)}`;
}

async function runReward(args: Args, gpu: Gpu): Promise<void> {
  if (!args.from) throw new Error('The reward model starts from an SFT model: pass --from sft.safetensors.');
  const seed = args.seed ?? 1337;
  const families = await loadTaskFamilies(args.task ?? 'all');
  const data = args.data
    ? { train: readJsonl(args.data, parsePairsJsonl, args['skip-bad-lines']) }
    : { train: preferencePairs(families, { split: 'train', count: args.pairs ?? 4000, seed }), heldout: preferencePairs(families, { split: 'heldout', count: args['heldout-pairs'] ?? 200, seed: seed + 1 }) };
  const run = RewardRun.fromCheckpoint(gpu, new Uint8Array(readFileSync(args.from)), data, {
    fresh: args.fresh,
    settings: { steps: args.steps, batchSize: args.batch, seqLen: args.seq, accumSteps: args.accum, lr: args.lr, evalEvery: args['eval-every'], seed: args.seed },
  });
  console.log(`reward model: ${data.train.length} pairs (${run.heldoutCount} held out), step ${run.step}`);
  if (run.tooLong > 0) console.log(`note: ${run.tooLong} training pairs have a side longer than a row; their start was cut.`);
  if (run.heldoutCount === 0) throw new Error('There are no held-out pairs: give more pairs or a larger validation fraction.');
  show('before', await run.evaluate());
  await runInTerminal(run, { onStep: (r) => console.log(line(run, r)) });
  show('after', await run.evaluate());
  if (args.out) {
    const bytes = await run.checkpoint();
    await writeFileAtomic(args.out, bytes);
    console.log(`checkpoint: ${args.out} (${(bytes.length / 1e6).toFixed(1)} MB, stage reward)`);
  }
  run.destroy();
}

export const rewardStage: CliStage = {
  name: 'reward',
  summary: 'reward model on preference pairs (default: built-in pairs)',
  options: SPEC,
  run: (args, gpu) => runReward(args as Args, gpu),
};
