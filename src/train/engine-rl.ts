// The RL half of the engine (TrainingEngine delegates here): builds an RlRun (src/train/rl/run.ts)
// from the SFT model's checkpoint bytes, with the built-in tasks' grader or the reward model
// trained in the Reward tab, runs it one step at a time (so pause, samples and saves happen between
// steps), reports each step's metrics and the latest scored rollouts (grader or reward model), and
// answers a prompt with the RL policy for the compare view. It does not train or sample itself
// (src/train/rl does). DPO trains on fixed pairs and has no rollouts to list.
import type { Gpu } from '../gpu/gpu';
import type { EngineProgress, RlOptions, RolloutRow, SampleOptions } from '../worker/engine-bridge';
import { RlRun } from './rl/run';
import { sampleResponses } from './rl/rollout';
import { KvSampler } from '../model/sampler';

/** Rollouts kept per report: the newest few, enough for the table. */
const ROLLOUTS_SHOWN = 8;
/** Held-out prompts drawn to size the training length (the app does not evaluate RL runs). */
const EVAL_PROMPTS = 8;

type Report = (p: EngineProgress) => void;

export class RlStages {
  run: RlRun | null = null;
  private samples = 0;

  constructor(private readonly gpu: Gpu) {}

  async runRl(sft: Uint8Array, rewardModel: Uint8Array | null, o: RlOptions, report: Report, between: () => Promise<void>, signal: AbortSignal): Promise<void> {
    if (o.reward === 'model' && !rewardModel) throw new Error('There is no reward model yet: train one in the Reward tab, or use the task grader.');
    const seen: RolloutRow[] = [];
    const rows = o.promptsPerStep * (o.method === 'grpo' ? o.groupSize : 1);
    const run = RlRun.fromCheckpoint(this.gpu, sft, {
      // Every scored rollout (grader or reward model) is recorded for the rollout table.
      onScored: (samples, scores) => samples.forEach((x, i) => seen.push({ prompt: x.example.prompt, response: x.response, reward: scores[i] })),
      rewardModel: o.reward === 'model' && o.method !== 'dpo' ? rewardModel! : undefined,
      settings: {
        method: o.method, steps: o.steps, lr: o.lr, klCoef: o.klCoef, dpoBeta: o.klCoef > 0 ? o.klCoef : undefined,
        promptsPerStep: o.promptsPerStep, pairsPerStep: o.promptsPerStep, groupSize: o.groupSize, minibatch: rows,
        maxNewTokens: o.maxNewTokens, epochs: 1, evalEvery: 0, evalPrompts: EVAL_PROMPTS, seed: o.seed,
      },
    });
    this.destroy();
    this.run = run;
    while (run.step < run.settings.steps && !signal.aborted) {
      seen.length = 0;
      await run.run({ steps: 1, signal, onProgress: (p) => {
        // Rows were scored in rollout order, so row i's KL to the reference is klPerSample[i].
        const perSample = p.pg?.klPerSample;
        const rollouts = seen.map((r, i) => ({ ...r, kl: perSample?.[i] })).slice(-ROLLOUTS_SHOWN);
        if (p.pg) {
          const m = p.pg;
          report({ step: p.step, totalSteps: p.totalSteps, trainLoss: m.policyLoss, lr: o.lr, tokensPerSec: (p.step * rows * m.responseLength) / Math.max(p.seconds, 1e-9), rollouts,
            metrics: { meanReward: m.meanScore, kl: m.kl, policyLoss: m.policyLoss, valueLoss: Number.isNaN(m.valueLoss) ? undefined : m.valueLoss, clipFrac: m.clipFrac, responseLength: m.responseLength } });
        } else if (p.dpo) {
          report({ step: p.step, totalSteps: p.totalSteps, trainLoss: p.dpo.loss, lr: o.lr, tokensPerSec: 0,
            metrics: { policyLoss: p.dpo.loss, accuracy: p.dpo.accuracy, margin: p.dpo.margin, meanReward: p.dpo.chosenReward } });
        }
      } });
      await between();
    }
  }

  /** The RL policy's reply to `prompt` as a user turn (null while there is no RL model). */
  async reply(prompt: string, opts: SampleOptions): Promise<string | null> {
    const run = this.run;
    if (!run) return null;
    const ids = run.format.prompt(prompt);
    const room = run.config.contextLength - ids.length;
    if (room < 1) throw new Error('The prompt is longer than the model\'s context.');
    const sampler = new KvSampler(run.policy, run.config.contextLength, 1);
    try {
      const [out] = await sampleResponses(sampler, run.format, [ids], { maxNewTokens: Math.min(opts.maxTokens, room), temperature: opts.temperature, seed: (Date.now() + this.samples++) >>> 0 });
      return run.format.decode(out);
    } finally {
      sampler.destroy();
    }
  }

  destroy(): void {
    this.run?.destroy();
    this.run = null;
  }
}
