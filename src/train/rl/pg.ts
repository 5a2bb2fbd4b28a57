// Policy-gradient RL from a reward: PPO (value head, GAE, per-token KL penalty in the reward) and
// GRPO (G samples per prompt, group-normalised advantages, optional k3 KL term in the loss).
// One step = rollout + update:
//   rollout  sample responses (KV sampler), score them (RewardFn), then per chunk of `minibatch`
//            rows one GPU pass: policy losses (−log π_old) [+ values] → rollout buffers, reference
//            losses (−log π_ref) → rollout buffers; then advantages (PPO: rl_gae + rl_whiten on the
//            GPU; GRPO: from the group scores on the CPU, broadcast to tokens)
//   update   `epochs` passes over shuffled minibatches; each optimizer step copies its rows out of
//            the rollout buffers, runs forward, the loss kernels (rowGrad, dValues), backward and
//            AdamW in one submit, with no readback
// Metrics (loss terms, clip fractions, KL to the reference) are read back once per step.
// Losses average over response tokens. It does not load checkpoints or tasks (run.ts does).
import type { Gpu } from '../../gpu/gpu';
import type { Gpt } from '../../model/gpt';
import { ScalarHead } from '../../model/heads';
import { KvSampler } from '../../model/sampler';
import { rlPolicyLoss, rlValueLoss, rlGae, rlWhiten, POLICY_STATS, VALUE_STATS } from '../../kernels/rl-ppo';
import { rlSeqLogp } from '../../kernels/rl-dpo';
import { Rng } from '../../util/rng';
import { PolicyRunner } from './policy';
import { groupAdvantages, selectRows } from './batch';
import { collectRollout, type Rollout } from './rollout';
import type { RlFormat } from './format';
import type { RewardFn } from './reward';
import type { RlExample } from './tasks';
import { adaptKlCoef, rolloutRows, type RlSettings } from './settings';

export interface PgMetrics {
  step: number;
  meanScore: number;
  /** Mean over samples of Σ_t (log π_old − log π_ref): the sequence KL to the reference. */
  kl: number;
  /** The same per sample, in rollout order (the order the reward function saw them). */
  klPerSample: number[];
  /** β used for this step's rewards (PPO) or loss (GRPO). */
  klCoef: number;
  policyLoss: number;
  /** Mean k3 KL estimate per token (GRPO's loss term). */
  k3: number;
  clipFrac: number;
  /** Mean ½(log π − log π_old)² per token: how far the updates moved the policy. */
  approxKl: number;
  /** PPO only (NaN for GRPO). */
  valueLoss: number;
  valueClipFrac: number;
  responseLength: number;
}

const STATS = POLICY_STATS + VALUE_STATS;

export class PgTrainer {
  readonly runner: PolicyRunner;
  readonly valueHead: ScalarHead | null;
  readonly sampler: KvSampler;
  readonly rows: number;
  klCoef: number;
  step = 0;
  private readonly roll: Record<'oldNll' | 'refNll' | 'adv' | 'returns' | 'values', GPUBuffer>; // (rows·T)
  private readonly mini: Record<'oldNll' | 'refNll' | 'adv' | 'returns' | 'values', GPUBuffer>; // (mb·T)
  private readonly rollTargets: GPUBuffer; // (rows·T) i32
  private readonly scores: GPUBuffer;      // (rows)
  private readonly seqOld: GPUBuffer;      // (rows)
  private readonly seqRef: GPUBuffer;      // (rows)
  private readonly metrics: GPUBuffer;     // [stats (K·STATS) | seqOld (rows) | seqRef (rows)]
  private readonly K: number;              // optimizer steps per update

  constructor(readonly gpu: Gpu, readonly policy: Gpt, readonly reference: Gpt | null, readonly s: RlSettings, readonly T: number) {
    if (s.method !== 'ppo' && s.method !== 'grpo') throw new Error(`PgTrainer runs PPO or GRPO, not ${s.method}.`);
    if (!reference && (s.klCoef > 0 || s.klTarget > 0)) throw new Error('A KL penalty needs the reference model; pass it or set klCoef to 0.');
    this.rows = rolloutRows(s);
    this.klCoef = s.klCoef;
    const C = policy.config.dModel, mb = s.minibatch, N = this.rows * T, n = mb * T;
    this.valueHead = s.method === 'ppo' ? new ScalarHead(gpu, C, n, { weight: new Float32Array(C), bias: 0 }) : null;
    const extra = this.valueHead ? [
      { name: 'value.weight', n: C, data: this.valueHead.weight, grad: this.valueHead.dWeight, decay: false },
      { name: 'value.bias', n: 1, data: this.valueHead.bias, grad: this.valueHead.dBias, decay: false },
    ] : [];
    this.runner = new PolicyRunner(gpu, policy, mb, T, { beta1: s.beta1, beta2: s.beta2, eps: 1e-8, weightDecay: s.weightDecay, gradClip: s.gradClip }, extra);
    this.sampler = new KvSampler(policy, T, Math.min(this.rows, 128), this.runner.acts);
    const f = (count: number, label: string) => gpu.buffer(4 * count, label);
    const names = ['oldNll', 'refNll', 'adv', 'returns', 'values'] as const;
    this.roll = Object.fromEntries(names.map((k) => [k, f(N, `rl.roll.${k}`)])) as PgTrainer['roll'];
    this.mini = Object.fromEntries(names.map((k) => [k, f(n, `rl.mini.${k}`)])) as PgTrainer['mini'];
    this.rollTargets = f(N, 'rl.roll.targets');
    this.scores = f(this.rows, 'rl.scores');
    this.seqOld = f(this.rows, 'rl.seq-old');
    this.seqRef = f(this.rows, 'rl.seq-ref');
    this.K = s.epochs * (this.rows / mb);
    this.metrics = f(this.K * STATS + 2 * this.rows, 'rl.metrics');
  }

  /** One rollout on `examples` (promptsPerStep of them) and one update phase. */
  async train(examples: RlExample[], format: RlFormat, reward: RewardFn, signal?: AbortSignal): Promise<PgMetrics> {
    const s = this.s, G = s.method === 'grpo' ? s.groupSize : 1;
    if (examples.length * G !== this.rows) throw new Error(`A rollout needs ${this.rows / G} prompts, got ${examples.length}.`);
    const seed = (s.seed + 104729 * this.step) >>> 0;
    const rollout = await collectRollout(this.sampler, format, reward, examples, G, this.T, { maxNewTokens: s.maxNewTokens, temperature: s.temperature, seed, signal });
    const klCoef = this.klCoef;
    this.scoreRollout(rollout, klCoef);
    this.update(rollout, new Rng(seed ^ 0x9e3779b9), klCoef);
    const m = await this.gpu.readF32(this.metrics, this.K * STATS + 2 * this.rows);
    const mean = (j: number) => { let x = 0; for (let k = 0; k < this.K; k++) x += m[k * STATS + j]; return x / this.K; };
    const klPerSample = Array.from({ length: this.rows }, (_, r) => m[this.K * STATS + r] - m[this.K * STATS + this.rows + r]);
    const kl = klPerSample.reduce((a, b) => a + b, 0) / this.rows;
    if (s.method === 'ppo') this.klCoef = adaptKlCoef(s, klCoef, kl, this.rows);
    this.step++;
    const ppo = this.valueHead !== null;
    return {
      step: this.step, meanScore: rollout.scores.reduce((a, b) => a + b, 0) / this.rows, kl, klPerSample, klCoef,
      policyLoss: mean(0), k3: mean(1), clipFrac: mean(2), approxKl: mean(3),
      valueLoss: ppo ? mean(4) : NaN, valueClipFrac: ppo ? mean(5) : NaN,
      responseLength: rollout.samples.reduce((a, x) => a + x.responseIds.length, 0) / this.rows,
    };
  }

  /** GPU passes over the rollout: old and reference log-probs, values, advantages, returns. */
  private scoreRollout(rollout: Rollout, klCoef: number): void {
    const { gpu, runner, roll, T } = this, mb = this.s.minibatch, V = runner.V, N = this.rows * T, size = 4 * mb * T;
    gpu.write(this.rollTargets, rollout.packed.targets);
    for (let c = 0; c < this.rows / mb; c++) {
      runner.load(selectRows(rollout.packed, Array.from({ length: mb }, (_, i) => c * mb + i)));
      const enc = gpu.encoder('rl-rollout');
      const at = c * size;
      runner.forward(enc);
      enc.copy(runner.head.losses, roll.oldNll, size, 0, at);
      if (this.valueHead) {
        this.valueHead.forward(enc, runner.acts);
        enc.copy(this.valueHead.values, roll.values, size, 0, at);
      }
      if (this.reference) runner.forwardOther(enc, this.reference);
      enc.copy(runner.head.losses, roll.refNll, size, 0, at); // without a reference: KL 0
      enc.submit();
    }
    const enc = gpu.encoder('rl-advantages');
    if (this.valueHead) {
      gpu.write(this.scores, Float32Array.from(rollout.scores));
      const s = this.s;
      rlGae(gpu, enc, { targets: this.rollTargets, oldNll: roll.oldNll, refNll: roll.refNll, values: roll.values, scores: this.scores, adv: roll.adv, returns: roll.returns,
        B: this.rows, T, V, gamma: s.gamma, lambda: s.lambda, klCoef, scoreClip: s.scoreClip });
      rlWhiten(gpu, enc, { targets: this.rollTargets, x: roll.adv, N, V });
    } else {
      const clipped = rollout.scores.map((x) => Math.min(this.s.scoreClip, Math.max(-this.s.scoreClip, x)));
      const perRow = groupAdvantages(clipped, this.s.groupSize);
      const adv = Float32Array.from(rollout.packed.targets, (t, i) => (t >= 0 ? perRow[Math.floor(i / T)] : 0));
      gpu.write(roll.adv, adv);
    }
    const K = this.K * STATS;
    rlSeqLogp(gpu, enc, { losses: roll.oldNll, targets: this.rollTargets, out: this.seqOld, S: this.rows, T, V });
    rlSeqLogp(gpu, enc, { losses: roll.refNll, targets: this.rollTargets, out: this.seqRef, S: this.rows, T, V });
    enc.copy(this.seqOld, this.metrics, 4 * this.rows, 0, 4 * K);
    enc.copy(this.seqRef, this.metrics, 4 * this.rows, 0, 4 * (K + this.rows));
    enc.submit();
  }

  /** `epochs` passes of shuffled minibatches, one submitted optimizer step each, no readback. */
  private update(rollout: Rollout, rng: Rng, klCoef: number): void {
    const { gpu, runner, roll, mini, T, s } = this, mb = s.minibatch, row = 4 * T, V = runner.V;
    const grpoKl = s.method === 'grpo' ? klCoef : 0;
    let k = 0;
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      const order = shuffled(this.rows, rng);
      for (let start = 0; start < this.rows; start += mb, k++) {
        const rows = order.slice(start, start + mb);
        runner.load(selectRows(rollout.packed, rows));
        const enc = gpu.encoder('rl-update');
        this.policy.zeroGrads(enc);
        this.valueHead?.zeroGrads(enc);
        const gathered = this.valueHead ? (['oldNll', 'adv', 'returns', 'values'] as const) : grpoKl > 0 ? (['oldNll', 'adv', 'refNll'] as const) : (['oldNll', 'adv'] as const);
        rows.forEach((r, j) => { for (const key of gathered) enc.copy(roll[key], mini[key], row, r * row, j * row); });
        runner.forward(enc);
        rlPolicyLoss(gpu, enc, { losses: runner.head.losses, targets: runner.targets, oldNll: mini.oldNll, adv: mini.adv, refNll: mini.refNll, rowGrad: runner.head.rowGrad,
          stats: this.metrics, statsOffset: k * STATS, N: runner.N, V, clip: s.clip, klCoef: grpoKl });
        if (this.valueHead) {
          this.valueHead.forward(enc, runner.acts);
          rlValueLoss(gpu, enc, { values: this.valueHead.values, targets: runner.targets, oldValues: mini.values, returns: mini.returns, dValues: this.valueHead.dValues,
            stats: this.metrics, statsOffset: k * STATS + POLICY_STATS, N: runner.N, V, clip: s.valueClip, coef: s.vfCoef });
          this.valueHead.backward(enc, runner.acts);
        }
        runner.backward(enc);
        runner.opt.update(enc, s.lr);
        enc.submit();
      }
    }
  }

  destroy(): void {
    this.runner.destroy();
    this.valueHead?.destroy();
    this.sampler.destroy();
    this.gpu.release(...Object.values(this.roll), ...Object.values(this.mini), this.rollTargets, this.scores, this.seqOld, this.seqRef, this.metrics);
  }
}

function shuffled(n: number, rng: Rng): number[] {
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}
