// The train / held-out split of built-in task problems: a hash of the problem's key alone, so no seed
// or count can put one problem in both. About one problem in five is held out. Tasks made from a
// text key their problems by the passage or poem, so every problem from one passage shares its split.

import type { Split } from './types';

const HELD_OUT_PER_100 = 20;

export function splitOf(key: string): Split {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 100 < HELD_OUT_PER_100 ? 'heldout' : 'train';
}
