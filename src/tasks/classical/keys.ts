// Problem keys of the classical tasks, and the passages of one split. A key names the passage or
// poem a problem is made from, so the train / held-out split (../split.ts) goes by passage: every
// problem of a held-out passage, in any task, is held out. Corruptions draw other passages from the
// item's own split, so a train pair never quotes a held-out passage.
import { hanText } from '../../data/classical/han';
import type { TangPoem } from '../../data/classical/corpus';
import { splitOf } from '../split';
import type { Split } from '../types';

/** A passage's key: its characters, so a passage that two chapters share has one split. */
export const passageKey = (text: string) => `passage:${hanText(text)}`;
export const poemKey = (poem: TangPoem) => `poem:${poem.text}`;

/** `items` grouped by the split of their key. */
export function bySplit<T>(items: readonly T[], key: (x: T) => string): Record<Split, T[]> {
  const out: Record<Split, T[]> = { train: [], heldout: [] };
  for (const x of items) out[splitOf(key(x))].push(x);
  return out;
}
