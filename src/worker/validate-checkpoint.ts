// The one place imported checkpoint bytes are checked before they enter the store: the full
// codec validation (safetensors structure, metadata, config against tensors) and the tokenizer,
// with a specific message for a bad file, and what the checkpoints list shows about a good one.
import { readAnyCheckpoint } from '../train/reward';
import { describeModel } from '../share/describe';
import { tokenizerFromJSON } from '../tokenizer';

/** Largest file accepted for import (2 GiB: the largest ArrayBuffer every browser can allocate). */
export const MAX_IMPORT_BYTES = 2 ** 31 - 1;

export interface CheckpointInfo {
  step: number;
  /** The stage that wrote it ('' when unknown). */
  stage: string;
  /** One line about the model, shown in the checkpoints list. */
  summary: string;
}

export function validateCheckpointBytes(bytes: Uint8Array): CheckpointInfo {
  if (bytes.byteLength === 0) throw new Error('The file is empty, so it cannot be a checkpoint.');
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new Error('The file is larger than 2 GiB, more than a browser can import.');
  const c = readAnyCheckpoint(bytes);
  try {
    tokenizerFromJSON(c.tokenizer as never);
  } catch (e) {
    throw new Error(`The checkpoint's tokenizer cannot be rebuilt: ${e instanceof Error ? e.message : String(e)}.`);
  }
  return { step: c.step, stage: c.stage, summary: describeModel(c.config) };
}
