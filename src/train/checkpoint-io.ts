// Reading TabGPT checkpoints back into the training layer, one place for every stage: the stage
// names a checkpoint carries, the reward head's two extra tensors, the readers (plain model, reward
// model, or either by the file's own stage) and the model's weights as checkpoint parameters.
// It does not know how a stage continues from a checkpoint (each stage's fromCheckpoint does) and
// does not touch optimizer moments (moments.ts).
import type { Gpt } from '../model/gpt';
import { makeConfig, type ModelConfig } from '../model/config';
import { expectedShapes, paramSpecs } from '../model/params';
import { decodeCheckpoint, type Checkpoint } from '../checkpoint/codec';
import { decodeSafetensors } from '../checkpoint/safetensors';

/** The `tabgpt.stage` each stage writes. */
export const STAGES = { pretrain: 'pretrain', sft: 'sft', reward: 'reward', rl: 'rl' } as const;

/** The reward model's scalar head, saved next to the GPT's tensors: (1, C) and (1). */
export const HEAD_WEIGHT = 'reward_head.weight';
export const HEAD_BIAS = 'reward_head.bias';

/** A checkpoint of a plain GPT (every stage but the reward model). */
export function readCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  return decodeCheckpoint<ModelConfig>(bytes, { parseConfig: (raw) => makeConfig(raw as Record<string, unknown>), expectedShapes });
}

/** The parameters a reward checkpoint holds: the model's, plus the head. */
export function rewardShapes(config: ModelConfig): Record<string, number[]> {
  return { ...expectedShapes(config), [HEAD_WEIGHT]: [1, config.dModel], [HEAD_BIAS]: [1] };
}

export function readRewardCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  return decodeCheckpoint<ModelConfig>(bytes, { parseConfig: (raw) => makeConfig(raw as Record<string, unknown>), expectedShapes: rewardShapes });
}

/** Any TabGPT checkpoint: a reward one with its head tensors, the others as the model alone. */
export function readAnyCheckpoint(bytes: Uint8Array): Checkpoint<ModelConfig> {
  const stage = decodeSafetensors(bytes).metadata['tabgpt.stage'];
  return stage === STAGES.reward ? readRewardCheckpoint(bytes) : readCheckpoint(bytes);
}

/** A checkpoint's tensors as plain arrays by name (what `new Gpt(gpu, config, weights)` takes). */
export function weightsOf(ck: Checkpoint<ModelConfig>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
}

/** The model's weights, read back from the GPU, as checkpoint parameters with their shapes. */
export async function modelParams(model: Gpt): Promise<Checkpoint['params']> {
  const weights = await model.readWeights();
  return Object.fromEntries(paramSpecs(model.config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
}
