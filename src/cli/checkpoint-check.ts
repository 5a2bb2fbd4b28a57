// Load-time checks of a checkpoint file named on the command line, run before the GPU starts: that it
// was written by a stage this CLI stage can start from (a reward model is not a chat model), and
// that every weight and optimizer moment is a finite number. Reads and decodes the safetensors
// container only; the stage's own loader still validates the config and tensor shapes.
import { readFileSync } from 'node:fs';
import { decodeSafetensors } from '../checkpoint/safetensors';
import { findNonFinite } from '../checkpoint/finite';
import { orList } from './args';

const KIND: Record<string, string> = {
  pretrain: 'a base-model (pretrain) checkpoint',
  sft: 'an SFT checkpoint',
  reward: 'a reward-model checkpoint',
  rl: 'an RL policy checkpoint',
};

/** The stages whose checkpoints hold a language model without a reward head. */
export const LANGUAGE_MODEL_STAGES = ['pretrain', 'sft', 'rl'] as const;

export interface CheckpointUse {
  /** The option that named the file, e.g. "--from". */
  option: string;
  /** The CLI stage that will load it, e.g. "sft". */
  stage: string;
  /** The checkpoint stages (tabgpt.stage) it accepts. */
  accepts: readonly string[];
}

/** Throws a message naming the option, the file and the problem; returns quietly when loadable. */
export function checkCheckpointBytes(path: string, bytes: Uint8Array, use: CheckpointUse): void {
  const { option, stage, accepts } = use;
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`${option} ${path} cannot be read as a checkpoint: ${(e as Error).message}`);
  }
  const written = decoded.metadata['tabgpt.stage'];
  if (written !== undefined && !accepts.includes(written)) {
    const kind = Object.hasOwn(KIND, written) ? `${KIND[written]} (stage "${written}")` : `a checkpoint of stage "${written}"`;
    const hint = written === 'reward' && stage !== 'reward' ? ' A reward model goes to --stage rl --reward, or to --stage reward to train it further.' : '';
    throw new Error(`${option} ${path} is ${kind}, but --stage ${stage} ${option} takes ${accepts.length > 1 ? 'a' : 'only a'} ${orList(accepts)} checkpoint.${hint}`);
  }
  const bad = findNonFinite(decoded.tensors);
  if (bad) {
    const more = bad.tensors > 1 ? ` (${bad.tensors} tensors hold NaN or ±Infinity)` : '';
    throw new Error(`${option} ${path} has non-finite values: tensor "${bad.name}" holds ${bad.value} at element ${bad.index}${more}. `
      + 'Training or sampling from it cannot work; use an earlier checkpoint.');
  }
}

/** Reads `path` and checks it (see checkCheckpointBytes). */
export function checkCheckpointFile(path: string, use: CheckpointUse): void {
  checkCheckpointBytes(path, new Uint8Array(readFileSync(path)), use);
}
