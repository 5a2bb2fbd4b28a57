// AdamW moments in and out of a checkpoint, for every stage that resumes (pretrain, SFT, reward):
// `optimizer.m.<name>` / `optimizer.v.<name>` tensors plus the update count.
// It does not decide whether a run resumes (the stage does) or read the file (checkpoint-io.ts).
import type { Checkpoint } from '../checkpoint/codec';
import type { AdamW } from './optimizer';

/** Restores the moments and update count a checkpoint saved (nothing when it saved none). */
export function loadMoments(opt: AdamW, saved: Checkpoint['optimizer']): void {
  if (!saved) return;
  opt.loadMoments(Object.fromEntries(Object.keys(saved.m).map((k) => [k, { m: saved.m[k], v: saved.v[k] }])), saved.step);
}

/** The optimizer's moments and update count, as a checkpoint stores them. */
export async function saveMoments(opt: AdamW): Promise<NonNullable<Checkpoint['optimizer']>> {
  const mom = await opt.readMoments();
  return { step: opt.step, m: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.m])), v: Object.fromEntries(Object.entries(mom).map(([k, x]) => [k, x.v])) };
}
