// The RL stage of the headless runner: a chat model (an SFT checkpoint) improves on a reward.
//   npm run train -- --stage rl --method grpo --from sft.safetensors --task arithmetic --steps 50 --out rl.safetensors
//   npm run train -- --stage rl --method ppo --from sft.safetensors --reward rm.safetensors
//   npm run train -- --stage rl --method dpo --from sft.safetensors [--pairs pairs.jsonl]
// PPO and GRPO sample from the built-in task's train prompts (--task) and are rewarded by its grader,
// or by a reward model (--reward). DPO learns from preference pairs (default: the task's). Held-out
// accuracy (greedy and sampled) is printed before and after, and every --eval-every steps.
import { readFileSync } from 'node:fs';
import type { ArgSpec } from './args';
import type { CliStage } from './stage';
import type { Gpu } from '../gpu/gpu';
import { writeFileAtomic } from './write-file';
import { LANGUAGE_MODEL_STAGES } from './checkpoint-check';
import { readJsonl } from './jsonl-file';
import { runInTerminal } from './run-loop';
import { parsePairsJsonl } from '../data/chat/jsonl';
import { loadTaskFamilies, ALL_TASK_NAMES as TASK_NAMES } from '../tasks';
import { RlRun, type RlEval, type RlStepResult } from '../train/rl/run';
import { builtinTask } from '../train/rl/tasks';
import type { RlMethod } from '../train/rl/settings';

const SPEC = {
  from: { kind: 'string', path: { checkpoint: LANGUAGE_MODEL_STAGES }, help: 'the SFT checkpoint to start from (required)' },
  method: { kind: 'string', choices: ['ppo', 'grpo', 'dpo'], help: 'RL method (default grpo)' },
  task: { kind: 'string', choices: TASK_NAMES, help: 'built-in task for prompts, grading and pairs (default all)' },
  reward: { kind: 'string', path: { checkpoint: ['reward'] }, help: 'a reward-model checkpoint (stage reward) instead of the task grader' },
  pairs: { kind: 'string', path: 'input', help: 'DPO: JSONL of {"prompt", "chosen", "rejected"} (default: the task\'s pairs)' },
  'skip-bad-lines': { kind: 'flag', help: 'use the good lines of a pairs file that has bad ones' },
  steps: { kind: 'number', integer: true, min: 0, max: 1e7, help: 'rollout + update steps (DPO: optimizer steps) (default 50; 0 with --export-hf: convert only)' },
  prompts: { kind: 'number', integer: true, min: 1, max: 4096, help: 'prompts per rollout (default 16)' },
  group: { kind: 'number', integer: true, min: 2, max: 256, help: 'GRPO samples per prompt (default 4)' },
  'max-new': { kind: 'number', integer: true, min: 1, max: 4096, help: 'longest sampled response in tokens (default 8)' },
  epochs: { kind: 'number', integer: true, min: 1, max: 100, help: 'passes over each rollout (default 2)' },
  minibatch: { kind: 'number', integer: true, min: 1, max: 4096, help: 'sequences per optimizer step (default 16)' },
  lr: { kind: 'number', min: 0, max: 1, help: 'learning rate (default 1e-4)' },
  clip: { kind: 'number', min: 0.001, max: 10, help: 'policy ratio clip ε (default 0.2)' },
  kl: { kind: 'number', min: 0, max: 100, help: 'KL coefficient β to the reference (default 0.05; 0 = no reference)' },
  'kl-target': { kind: 'number', min: 0, max: 1e6, help: 'PPO: adapt β toward this KL per response (default 0 = fixed)' },
  gamma: { kind: 'number', min: 0, max: 1, help: 'PPO discount γ (default 1)' },
  lambda: { kind: 'number', min: 0, max: 1, help: 'PPO GAE λ (default 0.95)' },
  'vf-coef': { kind: 'number', min: 0, max: 100, help: 'PPO value-loss weight (default 0.1)' },
  'dpo-beta': { kind: 'number', min: 1e-4, max: 100, help: 'DPO β (default 0.1)' },
  'pairs-per-step': { kind: 'number', integer: true, min: 1, max: 4096, help: 'DPO pairs per optimizer step (default 16)' },
  temperature: { kind: 'number', min: 0.01, max: 10, help: 'rollout sampling temperature (default 1)' },
  'eval-every': { kind: 'number', integer: true, min: 0, max: 1e7, help: 'held-out accuracy every N steps (default 10; 0 = start and end only)' },
  'eval-prompts': { kind: 'number', integer: true, min: 1, max: 1e5, help: 'held-out prompts per evaluation (default 64)' },
  'memory-budget': { kind: 'number', min: 1, max: 2 ** 30, help: 'refuse setups planned above this many MiB of GPU memory' },
  seed: { kind: 'number', integer: true, min: 0, max: 2 ** 32 - 1, help: 'random seed (default 1)' },
  out: { kind: 'string', path: 'output', help: 'write the policy (stage rl) here at the end' },
} satisfies ArgSpec;

type Args = { [K in keyof typeof SPEC]?: (typeof SPEC)[K]['kind'] extends 'number' ? number : (typeof SPEC)[K]['kind'] extends 'flag' ? boolean : string };

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function line(p: RlStepResult & { totalSteps: number; seconds: number }): string {
  const head = `step ${p.step}/${p.totalSteps} ${p.seconds.toFixed(0)}s`;
  if (p.dpo) return `${head} loss ${p.dpo.loss.toFixed(4)} reward accuracy ${pct(p.dpo.accuracy)} margin ${p.dpo.margin.toFixed(3)}`;
  const m = p.pg!;
  return `${head} reward ${m.meanScore.toFixed(3)} KL ${m.kl.toFixed(3)} (β ${m.klCoef.toPrecision(3)}) policy loss ${m.policyLoss.toFixed(4)} clipped ${pct(m.clipFrac)}`
    + (Number.isNaN(m.valueLoss) ? '' : ` value loss ${m.valueLoss.toFixed(4)}`) + ` length ${m.responseLength.toFixed(1)}`;
}

function showAccuracy(label: string, e: RlEval): void {
  let text = `${label}: held-out accuracy greedy ${pct(e.greedy)}, sampled ${pct(e.sampled)}`;
  if (e.preference) text += `; held-out pairs: implicit reward accuracy ${pct(e.preference.accuracy)}, margin ${e.preference.margin.toFixed(3)}`;
  console.log(text);
}

async function runRl(args: Args, gpu: Gpu): Promise<void> {
  if (!args.from) throw new Error('RL starts from a chat model: pass --from sft.safetensors.');
  const method = (args.method ?? 'grpo') as RlMethod;
  const task = builtinTask(await loadTaskFamilies(args.task ?? 'all'));
  const pairs = args.pairs ? readJsonl(args.pairs, parsePairsJsonl, args['skip-bad-lines']) : undefined;
  const run = RlRun.fromCheckpoint(gpu, new Uint8Array(readFileSync(args.from)), {
    task, pairs,
    rewardModel: args.reward ? new Uint8Array(readFileSync(args.reward)) : undefined,
    memoryBudget: args['memory-budget'] !== undefined ? args['memory-budget'] * 2 ** 20 : undefined,
    settings: {
      method, steps: args.steps, promptsPerStep: args.prompts, groupSize: args.group, maxNewTokens: args['max-new'], epochs: args.epochs,
      minibatch: args.minibatch, lr: args.lr, clip: args.clip, klCoef: args.kl, klTarget: args['kl-target'], gamma: args.gamma, lambda: args.lambda,
      vfCoef: args['vf-coef'], dpoBeta: args['dpo-beta'], pairsPerStep: args['pairs-per-step'], temperature: args.temperature,
      evalEvery: args['eval-every'], evalPrompts: args['eval-prompts'], seed: args.seed,
    },
  });
  const s = run.settings;
  console.log(`RL: ${method} on ${args.reward ? `reward model ${args.reward}` : `task ${task.name} (${task.summary})`}; sequences of ${run.T} tokens`);
  console.log(`GPU memory planned:\n${run.memory.summary}`);
  showAccuracy('before', await run.evaluateHeldout());
  // The loop evaluates every --eval-every steps and at the last step; with 0, only here at the end.
  let evaluatedAt = -1;
  await runInTerminal(run, {
    onStep: (r, p) => console.log(line({ ...r, totalSteps: p.totalSteps, seconds: p.elapsedSec })),
    onEval: (e, step) => { evaluatedAt = step; showAccuracy(step === s.steps ? 'after' : `step ${step}`, e); },
  });
  if (evaluatedAt !== run.step) showAccuracy('after', await run.evaluateHeldout());
  if (args.out) {
    const bytes = await run.checkpoint();
    await writeFileAtomic(args.out, bytes);
    console.log(`checkpoint: ${args.out} (${(bytes.length / 1e6).toFixed(1)} MB, stage rl)`);
  }
  run.destroy();
}

export const rlStage: CliStage = {
  name: 'rl',
  summary: 'RL from a reward: PPO, GRPO (task grader or reward model) or DPO (preference pairs)',
  options: SPEC,
  run: (args, gpu) => runRl(args as Args, gpu),
};
