// One RL run as a StageRun, which the one loop (../runtime/loop.ts) drives for the headless runner
// and the web worker: from an SFT checkpoint (a chat model) to a policy trained with PPO, GRPO or
// DPO, scored by a task's grader or a learned reward model, with a frozen copy of the starting model
// as the reference. Checks memory before allocating, measures held-out accuracy, and writes the
// policy as stage 'rl'. It does not loop, parse command lines (src/cli/stage-rl.ts) or read files.
import type { Gpu } from '../../gpu/gpu';
import { GpuError } from '../../gpu/errors';
import { Gpt } from '../../model/gpt';
import type { ModelConfig } from '../../model/config';
import { KvSampler } from '../../model/sampler';
import { encodeCheckpoint } from '../../checkpoint/codec';
import { modelParams, readCheckpoint, STAGES, weightsOf } from '../checkpoint-io';
import type { StageRun, StepResult } from '../runtime/stage-run';
import { runStage } from '../runtime/loop';
import { chatTemplate, hasChatTokens } from '../../data/chat/template';
import type { PreferencePair as ChatPair } from '../../data/chat/types';
import { tokenizerFromJSON, type Tokenizer } from '../../tokenizer';
import { chatFormat, type RlFormat } from './format';
import { builtinTask, type RlExample, type RlTask } from './tasks';
import { graderReward, RewardModel, type RewardFn, type Sample } from './reward';
import { PgTrainer, type PgMetrics } from './pg';
import { DpoTrainer, type DpoMetrics, type PreferencePair } from './dpo';
import { pairIds } from './pairs';
import { taskAccuracy, trainingLength } from './rollout';
import { makeRlSettings, rolloutRows, type RlSettings } from './settings';
import { rlMemoryCheck, rlMemoryPlan, type RlMemoryCheck } from './memory';

export const RL_STAGE = STAGES.rl;

export interface RlRunOptions {
  settings?: Partial<RlSettings>;
  /** Default: all built-in tasks (as SFT's default). */
  task?: RlTask;
  /** A reward-model checkpoint; default: the task's grader. */
  rewardModel?: Uint8Array;
  /** DPO's pairs; default: the task's train-split pairs. */
  pairs?: readonly ChatPair[];
  /** Refuse setups whose planned total exceeds this many bytes. */
  memoryBudget?: number;
  /** Called with every scored batch of rollouts (PPO / GRPO), whatever the reward source. */
  onScored?: (samples: Sample[], scores: number[]) => void;
}

/** One RL step: PPO / GRPO's rollout-and-update metrics, or one DPO optimizer step's. */
export interface RlStepResult extends StepResult { pg?: PgMetrics; dpo?: DpoMetrics }

/** Held-out accuracy, greedy and sampled; DPO adds its held-out preference metrics. */
export interface RlEval { greedy: number; sampled: number; preference?: DpoMetrics }

export interface RlProgress {
  step: number;
  totalSteps: number;
  seconds: number;
  pg?: PgMetrics;
  dpo?: DpoMetrics;
}

export class RlRun implements StageRun<RlStepResult, RlEval> {
  readonly stage = RL_STAGE;
  step = 0;
  private sampler: KvSampler | null = null;
  private readonly heldout: RlExample[];
  private dpoPairs: PreferencePair[] = [];

  private constructor(readonly gpu: Gpu, readonly policy: Gpt, readonly reference: Gpt | null, readonly tokenizer: Tokenizer, readonly format: RlFormat,
    readonly settings: RlSettings, readonly task: RlTask, readonly T: number, readonly memory: RlMemoryCheck,
    private readonly reward: RewardFn | null, private readonly rm: RewardModel | null,
    private readonly pg: PgTrainer | null, private readonly dpo: DpoTrainer | null) {
    this.heldout = task.examples('heldout', settings.evalPrompts, settings.seed + 1);
  }

  static fromCheckpoint(gpu: Gpu, bytes: Uint8Array, opts: RlRunOptions = {}): RlRun {
    const ck = readCheckpoint(bytes);
    const tokenizer = tokenizerFromJSON(ck.tokenizer as never);
    if (!hasChatTokens(tokenizer)) throw new Error(`RL starts from a chat model, but this ${ck.stage} checkpoint's tokenizer has no chat tokens. Fine-tune it first (--stage sft).`);
    const format = chatFormat(chatTemplate(tokenizer));
    const s = makeRlSettings(opts.settings ?? {});
    const task = opts.task ?? builtinTask('all');
    const dpoPairs = s.method === 'dpo' ? pairIds(chatTemplate(tokenizer), opts.pairs ?? task.pairs?.('train', 512, s.seed) ?? []) : [];
    if (s.method === 'dpo' && dpoPairs.length === 0) throw new Error(`DPO needs preference pairs, and the task "${task.name}" makes none; pass a pairs file.`);
    const T = s.method === 'dpo'
      ? Math.max(...dpoPairs.map((p) => p.prompt.length + Math.max(p.chosen.length, p.rejected.length)))
      : trainingLength(format, [...task.examples('train', 1024, s.seed), ...task.examples('heldout', s.evalPrompts, s.seed + 1)], s.maxNewTokens, ck.config.contextLength);
    if (T > ck.config.contextLength) throw new Error(`Preference pairs of up to ${T} tokens exceed the model's context of ${ck.config.contextLength}.`);
    const needsReference = s.method === 'dpo' || s.klCoef > 0 || s.klTarget > 0;
    if (opts.rewardModel && s.method === 'dpo') throw new Error('DPO learns from preference pairs, not from a reward model: drop the reward model, or use PPO or GRPO.');
    const rmCk = opts.rewardModel ? RewardModel.read(opts.rewardModel) : null;
    if (rmCk && JSON.stringify(rmCk.tokenizer) !== JSON.stringify(ck.tokenizer))
      throw new Error('The reward model was trained with a different tokenizer than the policy; both must come from the same SFT model.');
    const memory = rlMemoryCheck(gpu.limits, rlMemoryPlan({ config: ck.config, settings: s, T, reference: needsReference, rewardModel: rmCk?.config }), opts.memoryBudget);
    if (!memory.fits) throw new GpuError('limit', `This RL setup does not fit the GPU:\n${memory.problems.join('\n')}\nPlanned:\n${memory.summary}`);
    const rm = rmCk ? RewardModel.load(gpu, rmCk) : null;
    const weights = weightsOf(ck);
    const policy = new Gpt(gpu, ck.config, weights);
    const reference = needsReference ? new Gpt(gpu, ck.config, weights, { trainable: false }) : null;
    const pg = s.method === 'dpo' ? null : new PgTrainer(gpu, policy, reference, s, T);
    const dpo = s.method === 'dpo' ? new DpoTrainer(gpu, policy, reference!, s, T) : null;
    const shared = pg && rm && JSON.stringify(rm.model.config) === JSON.stringify(ck.config) ? pg.runner.acts : undefined;
    const source = pg ? (rm ? rm.asRewardFn(s.minibatch, T, shared) : graderReward(task)) : null;
    const onScored = opts.onScored;
    const reward: RewardFn | null = source && onScored ? async (samples) => { const r = await source(samples); onScored(samples, r); return r; } : source;
    const run = new RlRun(gpu, policy, reference, tokenizer, format, s, task, T, memory, reward, rm, pg, dpo);
    run.dpoPairs = dpoPairs;
    return run;
  }

  get config(): ModelConfig { return this.policy.config; }

  get totalSteps(): number { return this.settings.steps; }
  get evalEvery(): number { return this.settings.evalEvery; }

  tokensOf(r: RlStepResult): number {
    return r.pg ? rolloutRows(this.settings) * r.pg.responseLength : 2 * this.T;
  }

  /** PPO / GRPO: one rollout on fresh train prompts and one update phase. DPO: one optimizer step
   *  on the next pairs (its metrics come back every few steps, as an LM step's loss). */
  async trainStep(): Promise<RlStepResult[]> {
    const s = this.settings;
    if (this.pg) {
      const examples = this.task.examples('train', s.promptsPerStep, (s.seed + 7919 * (this.step + 1)) >>> 0);
      const pg = await this.pg.train(examples, this.format, this.reward!);
      this.step++;
      return [{ step: this.step, loss: pg.policyLoss, lr: s.lr, skipped: false, pg }];
    }
    const P = s.pairsPerStep, n = this.dpoPairs.length;
    const batch = Array.from({ length: P }, (_, i) => this.dpoPairs[(this.step * P + i) % n]);
    this.step++;
    return this.dpoResults(await this.dpo!.train(batch));
  }

  async flush(): Promise<RlStepResult[]> { return this.dpo ? this.dpoResults(await this.dpo.flush()) : []; }
  sync(): Promise<void> { return this.gpu.sync(); }

  private dpoResults(done: DpoMetrics[]): RlStepResult[] {
    return done.map((dpo) => ({ step: dpo.step, loss: dpo.loss, lr: this.settings.lr, skipped: false, dpo }));
  }

  async evaluateHeldout(): Promise<RlEval> {
    const greedy = await this.heldoutAccuracy({ temperature: 0 }), sampled = await this.heldoutAccuracy({ temperature: 1 });
    return { greedy, sampled, preference: this.dpo ? await this.heldoutPreference() : undefined };
  }

  /** Trains to settings.steps (or `steps` more) in the one loop, reporting each step's metrics. */
  async run(opts: { steps?: number; onProgress?: (p: RlProgress) => void } = {}): Promise<void> {
    const on = opts.onProgress;
    await runStage(this, { steps: opts.steps, onStep: on && ((r, p) => on({ step: r.step, totalSteps: p.totalSteps, seconds: p.elapsedSec, pg: r.pg, dpo: r.dpo })) });
  }

  /** Mean grade of one response per held-out prompt (greedy at temperature 0). */
  async heldoutAccuracy(opts: { temperature?: number; seed?: number; examples?: RlExample[] } = {}): Promise<number> {
    this.sampler ??= this.pg ? this.pg.sampler : new KvSampler(this.policy, this.T + this.settings.maxNewTokens, 64, this.dpo!.runner.acts);
    return taskAccuracy(this.sampler, this.format, this.task, opts.examples ?? this.heldout,
      { maxNewTokens: this.settings.maxNewTokens, temperature: opts.temperature ?? 0, seed: opts.seed ?? 12345 });
  }

  /** DPO's loss, implicit reward accuracy and margin on held-out preference pairs (no update). */
  async heldoutPreference(pairs?: readonly ChatPair[]): Promise<DpoMetrics> {
    if (!this.dpo) throw new Error('Held-out preference metrics belong to DPO runs.');
    const chat = pairs ?? this.task.pairs?.('heldout', this.settings.evalPrompts, this.settings.seed + 2) ?? [];
    const ids = pairIds(chatTemplate(this.tokenizer), chat).filter((p) => p.prompt.length + Math.max(p.chosen.length, p.rejected.length) <= this.T);
    if (ids.length === 0) throw new Error('There are no held-out preference pairs that fit the training length.');
    return this.dpo.evaluate(ids);
  }

  /** The policy's weights as stage 'rl' (no optimizer state or settings: RL runs are not resumed). */
  async checkpoint(): Promise<Uint8Array> {
    await this.dpo?.flush();
    return encodeCheckpoint({ config: this.config, tokenizer: this.tokenizer.toJSON(), stage: this.stage, step: this.step, params: await modelParams(this.policy) });
  }

  destroy(): void {
    if (this.sampler && this.sampler !== this.pg?.sampler) this.sampler.destroy();
    this.pg?.destroy();
    this.dpo?.destroy();
    this.rm?.destroy();
    this.reference?.destroy();
    this.policy.destroy();
  }
}
