// Held-out examples from one list (a user's dataset with no separate evaluation file): a seeded
// shuffle, then the last `fraction` held out — at least one when there are two or more examples
// and fraction > 0, so a small dataset still gets a held-out score. Works for any record type.
import { Rng } from '../../util/rng';

export function splitHeldOut<T>(records: readonly T[], fraction: number, seed: number): { train: T[]; heldout: T[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`The held-out fraction must be in [0, 1), got ${fraction}.`);
  const order = Array.from(records.keys());
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
  const k = fraction > 0 && records.length >= 2 ? Math.max(1, Math.round(records.length * fraction)) : 0;
  return { train: order.slice(0, order.length - k).map((i) => records[i]), heldout: order.slice(order.length - k).map((i) => records[i]) };
}
