// Questions about the built-in pretraining world (src/data/world.ts): "Where does Mira live?" →
// "Ashford". The facts are the ones the built-in corpus states, so a model pretrained on it can
// answer held-out questions only from what pretraining taught it. A wrong answer is the same kind
// of fact about someone else (another town, another pet).
import type { Rng } from '../util/rng';
import { DEFAULT_WORLD_SEED, makeWorld, worldFacts } from '../data/world';
import type { TaskFamily, TaskItem } from './types';

export interface WorldOptions {
  /** The world's seed; the built-in corpus uses DEFAULT_WORLD_SEED. */
  seed?: number;
}

export function worldFamily({ seed = DEFAULT_WORLD_SEED }: WorldOptions = {}): TaskFamily {
  const facts = worldFacts(makeWorld(seed));
  const items: TaskItem[] = facts.map((f) => ({ key: `${f.subject}:${f.relation}`, prompt: f.question, answer: f.answer }));
  const sameRelation = (key: string) => {
    const relation = key.slice(key.indexOf(':') + 1);
    return facts.filter((f) => f.relation === relation).map((f) => f.answer);
  };
  return {
    name: 'world',
    summary: `questions about the built-in world (seed ${seed}), ${items.length} facts`,
    size: items.length,
    draw: (rng: Rng) => items[rng.int(items.length)],
    wrong(item: TaskItem, rng: Rng): string {
      const others = [...new Set(sameRelation(item.key))].filter((a) => a !== item.answer);
      return others[rng.int(others.length)];
    },
  };
}
