// Sampling and scoring on the CPU side of an RL step: responses for a batch of prompts with the
// KV-cached sampler (prompts grouped by length so each batch steps together), their rewards, and
// held-out accuracy of a task. The GPU passes over the samples live in pg.ts.
import type { KvSampler } from '../../model/sampler';
import { groupByLength, packSequences, type PackedBatch } from './batch';
import type { RlFormat } from './format';
import type { RewardFn, Sample } from './reward';
import type { RlExample, RlTask } from './tasks';

export interface SampleOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  seed: number;
  signal?: AbortSignal;
}

/** One response per prompt (repeat a prompt to get several), stop id included when it was sampled. */
export async function sampleResponses(sampler: KvSampler, format: RlFormat, prompts: number[][], o: SampleOptions): Promise<number[][]> {
  const out: number[][] = new Array(prompts.length);
  let call = 0;
  for (const group of groupByLength(prompts)) {
    for (let start = 0; start < group.length; start += sampler.maxBatch) {
      const rows = group.slice(start, start + sampler.maxBatch);
      const ids = await sampler.generateBatch(rows.map((i) => prompts[i]), {
        temperature: o.temperature, topK: 0, topP: 1, maxTokens: o.maxNewTokens, seed: (o.seed + 7919 * call++) >>> 0,
        shouldStop: (x) => x[x.length - 1] === format.stopId, signal: o.signal,
      });
      rows.forEach((i, k) => { out[i] = ids[k]; });
    }
  }
  return out;
}

export interface Rollout {
  /** Row i·G + g is the g-th sample of example i. */
  samples: Sample[];
  scores: number[];
  packed: PackedBatch;
}

/** G samples per example, scored and packed into (rows, T). */
export async function collectRollout(sampler: KvSampler, format: RlFormat, reward: RewardFn, examples: RlExample[], G: number, T: number, o: SampleOptions): Promise<Rollout> {
  const rowExamples = examples.flatMap((e) => Array.from({ length: G }, () => e));
  const prompts = rowExamples.map((e) => format.prompt(e.prompt));
  const responses = await sampleResponses(sampler, format, prompts, o);
  const samples = rowExamples.map((example, i) => ({ example, promptIds: prompts[i], responseIds: responses[i], response: format.decode(responses[i]) }));
  const scores = await reward(samples);
  if (scores.length !== samples.length || scores.some((s) => !Number.isFinite(s))) throw new Error(`The reward function returned ${scores.length} scores for ${samples.length} samples, or a non-finite score.`);
  return { samples, scores, packed: packSequences(prompts, responses, T) };
}

/** Mean grade of one response per held-out example (greedy when temperature is 0). */
export async function taskAccuracy(sampler: KvSampler, format: RlFormat, task: RlTask, examples: RlExample[], o: SampleOptions): Promise<number> {
  const responses = await sampleResponses(sampler, format, examples.map((e) => format.prompt(e.prompt)), o);
  let sum = 0;
  examples.forEach((e, i) => { sum += task.grade(e, format.decode(responses[i])); });
  return sum / Math.max(1, examples.length);
}

/** Longest prompt of the examples plus room for the response: the RL training length. */
export function trainingLength(format: RlFormat, examples: RlExample[], maxNewTokens: number, contextLength: number): number {
  const longest = examples.reduce((m, e) => Math.max(m, format.prompt(e.prompt).length), 1);
  const T = longest + maxNewTokens;
  if (T > contextLength) throw new Error(`Prompts of up to ${longest} tokens plus ${maxNewTokens} new tokens exceed the model's context of ${contextLength}; lower maxNewTokens.`);
  return T;
}
