// The SFT stage of the headless runner: a pretrained model learns to answer in the chat template.
//   npm run train -- --stage sft --from base.safetensors --data chat.jsonl --steps 200 --out sft.safetensors
// With no --data it trains on the built-in tasks (--task). Prints exact match on held-out built-in
// questions (--eval-task) before and after training.
import { readFileSync } from 'node:fs';
import type { ArgSpec } from './args';
import type { CliStage } from './stage';
import type { Gpu } from '../gpu/gpu';
import { writeFileAtomic } from './write-file';
import { LANGUAGE_MODEL_STAGES } from './checkpoint-check';
import { SftRun } from '../train/sft';
import type { ExactMatchResult } from '../train/sft-eval';
import type { StepResult } from '../train/runtime/stage-run';
import { parseSftJsonl } from '../data/chat/jsonl';
import { readJsonl } from './jsonl-file';
import { runInTerminal } from './run-loop';
import { evalItems, sftExamples, loadTaskFamilies, ALL_TASK_NAMES as TASK_NAMES } from '../tasks';

const SPEC = {
  from: { kind: 'string', path: { checkpoint: LANGUAGE_MODEL_STAGES }, help: 'the pretrained (or SFT, to resume) checkpoint to start from (required)' },
  data: { kind: 'string', path: 'input', help: 'JSONL of {"messages": [...]} or {"prompt", "completion"} (default: built-in tasks)' },
  task: { kind: 'string', choices: TASK_NAMES, help: 'built-in training task without --data (default all)' },
  examples: { kind: 'number', integer: true, min: 1, max: 1e6, help: 'built-in training examples (default 5000)' },
  'eval-task': { kind: 'string', choices: [...TASK_NAMES, 'none'], help: 'built-in task for held-out exact match, or none (default: --task, or all)' },
  'eval-count': { kind: 'number', integer: true, min: 1, max: 1e5, help: 'held-out questions for exact match (default 60)' },
  'skip-bad-lines': { kind: 'flag', help: 'train on the good lines of a JSONL file that has bad ones' },
  'no-packing': { kind: 'flag', help: 'one example per row instead of packing several' },
  fresh: { kind: 'flag', help: 'start a new SFT run even from an SFT checkpoint' },
  steps: { kind: 'number', integer: true, min: 0, max: 1e7, help: 'total optimizer steps (default 200; 0 with --export-hf: convert only)' },
  batch: { kind: 'number', integer: true, min: 1, max: 4096, help: 'rows per micro-batch (default 8)' },
  seq: { kind: 'number', integer: true, min: 1, max: 65536, help: 'row length in tokens (default: the context length)' },
  accum: { kind: 'number', integer: true, min: 1, max: 1024, help: 'gradient accumulation steps (default 1)' },
  lr: { kind: 'number', min: 0, max: 10, help: 'peak learning rate (default 1e-3)' },
  'eval-every': { kind: 'number', integer: true, min: 0, max: 1e7, help: 'held-out loss and exact match every N steps (default 50)' },
  seed: { kind: 'number', integer: true, min: 0, max: 2 ** 32 - 1, help: 'random seed (default 1337)' },
  out: { kind: 'string', path: 'output', help: 'write a checkpoint (stage sft) here at the end' },
} satisfies ArgSpec;

type Args = { [K in keyof typeof SPEC]?: (typeof SPEC)[K]['kind'] extends 'number' ? number : (typeof SPEC)[K]['kind'] extends 'flag' ? boolean : string };

function line(run: SftRun, r: StepResult): string {
  const exact = run.lastExactMatch?.accuracy;
  return `step ${r.step}/${run.totalSteps} loss ${r.loss.toFixed(4)}` + (run.lastValLoss !== undefined ? ` held-out ${run.lastValLoss.toFixed(4)}` : '')
    + (exact !== undefined ? ` exact ${(100 * exact).toFixed(1)}%` : '') + ` epoch ${run.epochs.toFixed(2)} lr ${r.lr.toExponential(2)}`;
}

function showExactMatch(label: string, r: ExactMatchResult): void {
  console.log(`${label}: exact match ${r.correct}/${r.total} = ${(100 * r.accuracy).toFixed(1)}%`);
  for (const x of r.replies.slice(0, 4)) console.log(`  ${x.ok ? 'ok ' : 'bad'} ${JSON.stringify(x.question)} -> ${JSON.stringify(x.got)} (want ${JSON.stringify(x.expected)})`);
}

async function runSft(args: Args, gpu: Gpu): Promise<void> {
  if (!args.from) throw new Error('SFT starts from a pretrained model: pass --from base.safetensors.');
  const task = args.task ?? 'all';
  const seed = args.seed ?? 1337;
  const train = args.data ? readJsonl(args.data, parseSftJsonl, args['skip-bad-lines']) : sftExamples(await loadTaskFamilies(task), args.examples ?? 5000, seed);
  const evalTask = args['eval-task'] ?? (args.data ? 'all' : task);
  const items = evalTask === 'none' ? [] : evalItems(await loadTaskFamilies(evalTask), args['eval-count'] ?? 60, seed + 1);
  const run = SftRun.fromCheckpoint(gpu, new Uint8Array(readFileSync(args.from)), { train, evalItems: items }, {
    fresh: args.fresh,
    settings: { steps: args.steps, batchSize: args.batch, seqLen: args.seq, accumSteps: args.accum, lr: args.lr, evalEvery: args['eval-every'], seed: args.seed },
    options: args['no-packing'] ? { packing: false } : {},
  });
  console.log(`model: vocabulary ${run.config.vocabSize}, ${train.length} conversations (${run.heldoutCount} held out for loss), ${items.length} exact-match questions (${evalTask}), step ${run.step}`);
  if (run.tooLong > 0) console.log(`note: ${run.tooLong} training conversations are longer than a row and were cut.`);
  if (items.length) showExactMatch('before', await run.exactMatch());
  const end = await runInTerminal(run, { onStep: (r) => console.log(line(run, r)) });
  if (run.lastValLoss === undefined) await run.evaluate();
  if (items.length) showExactMatch('after', run.lastExactMatch && run.settings.evalEvery > 0 ? run.lastExactMatch : await run.exactMatch());
  console.log(`final: step ${run.step}${run.lastValLoss !== undefined ? `, held-out loss ${run.lastValLoss.toFixed(4)}` : ''}${end.skipped ? `, ${end.skipped} steps skipped` : ''}`);
  if (args.out) {
    const bytes = await run.checkpoint();
    await writeFileAtomic(args.out, bytes);
    console.log(`checkpoint: ${args.out} (${(bytes.length / 1e6).toFixed(1)} MB, stage sft)`);
  }
  run.destroy();
}

export const sftStage: CliStage = {
  name: 'sft',
  summary: 'supervised fine-tuning on chat data (default: built-in tasks)',
  options: SPEC,
  run: (args, gpu) => runSft(args as Args, gpu),
};
