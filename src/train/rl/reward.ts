// Where RL rewards come from: a `RewardFn` scores a batch of (prompt, response) samples with one
// number each. Two sources:
//   graderReward       a task's verifiable grader on the response text (CPU)
//   RewardModel        a learned reward model (the reward stage's checkpoint): a GPT with a scalar
//                      head, read at the last token of prompt ++ response — the <|end|> that closes
//                      the reply, as in its training — one forward per batch of rows, one readback
// It does not turn scores into per-token rewards or advantages (ppo.ts / grpo.ts do).
import type { Gpu } from '../../gpu/gpu';
import { Gpt } from '../../model/gpt';
import { ScalarHead } from '../../model/heads';
import { planActivations, releaseActivations, type Activations } from '../../model/activations';
import { HEAD_BIAS, HEAD_WEIGHT, readAnyCheckpoint, STAGES } from '../checkpoint-io';
import type { Checkpoint } from '../../checkpoint/codec';
import type { ModelConfig } from '../../model/config';
import { packSequences } from './batch';
import type { RlExample, RlTask } from './tasks';

export interface Sample {
  example: RlExample;
  promptIds: number[];
  responseIds: number[];
  /** The response's text, stop token removed. */
  response: string;
}

export type RewardFn = (samples: Sample[]) => Promise<number[]>;

export function graderReward(task: RlTask): RewardFn {
  return async (samples) => samples.map((s) => task.grade(s.example, s.response));
}

export class RewardModel {
  private acts: Activations | null = null;
  private ownActs = false;
  private rows = 0;
  private T = 0;
  private head: ScalarHead | null = null;
  private tokens: GPUBuffer | null = null;

  constructor(readonly gpu: Gpu, readonly model: Gpt, private readonly headInit: { weight: Float32Array; bias: number }) {
    if (headInit.weight.length !== model.config.dModel) throw new Error(`The reward head has ${headInit.weight.length} weights; the model's width is ${model.config.dModel}.`);
  }

  /** Reads and checks a reward-stage checkpoint (src/train/reward.ts) without touching the GPU. */
  static read(bytes: Uint8Array): Checkpoint<ModelConfig> {
    const ck = readAnyCheckpoint(bytes);
    if (ck.stage !== STAGES.reward) throw new Error(`A reward model comes from the reward stage (--stage reward); this checkpoint is stage ${ck.stage}.`);
    return ck;
  }

  /** The GPT and scalar head of a checkpoint from read(). */
  static load(gpu: Gpu, ck: Checkpoint<ModelConfig>): RewardModel {
    const weights = Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
    return new RewardModel(gpu, new Gpt(gpu, ck.config, weights, { trainable: false }), { weight: ck.params[HEAD_WEIGHT].data, bias: ck.params[HEAD_BIAS].data[0] });
  }

  /** Scores of prompt ++ response for each pair, `rows` sequences of T tokens per forward pass.
   *  `shared` activations of the same model shape and (rows, T) are used instead of new ones (the
   *  policy's: RL runs its passes one after another). */
  async score(prompts: number[][], responses: number[][], rows: number, T: number, shared?: Activations): Promise<number[]> {
    this.plan(rows, T, shared);
    const out: number[] = [];
    for (let start = 0; start < prompts.length; start += rows) {
      const p = prompts.slice(start, start + rows), r = responses.slice(start, start + rows);
      const packed = packSequences(p, r, T);
      const tokens = new Int32Array(rows * T);
      tokens.set(packed.tokens);
      this.gpu.write(this.tokens!, tokens);
      const enc = this.gpu.encoder('reward-model');
      this.model.forward(enc, this.acts!, this.tokens!);
      this.head!.forward(enc, this.acts!);
      enc.submit();
      const values = await this.gpu.readF32(this.head!.values, rows * T);
      p.forEach((x, i) => out.push(values[i * T + x.length + r[i].length - 1]));
    }
    return out;
  }

  asRewardFn(rows: number, T: number, shared?: Activations): RewardFn {
    return (samples) => this.score(samples.map((s) => s.promptIds), samples.map((s) => s.responseIds), rows, T, shared);
  }

  /** Activations, head and token buffers for (rows, T), allocated once. */
  private plan(rows: number, T: number, shared?: Activations): void {
    const canShare = shared !== undefined && shared.B === rows && shared.T === T && shared.layers.length === this.model.config.nLayer;
    if (this.acts && this.rows === rows && this.T === T && (!canShare || this.acts === shared)) return;
    this.release();
    this.ownActs = !canShare;
    this.acts = canShare ? shared : planActivations(this.gpu, this.model.config, rows, T);
    this.head = new ScalarHead(this.gpu, this.model.config.dModel, rows * T, this.headInit);
    this.tokens = this.gpu.buffer(4 * rows * T, 'rm.tokens');
    this.rows = rows;
    this.T = T;
  }

  private release(): void {
    if (this.acts && this.ownActs) releaseActivations(this.gpu, this.acts);
    this.head?.destroy();
    this.gpu.release(this.tokens);
    this.acts = null; this.head = null; this.tokens = null;
  }

  destroy(): void {
    this.release();
    this.model.destroy();
  }
}
