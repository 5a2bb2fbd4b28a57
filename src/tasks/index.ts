// The built-in task sets: SFT examples, held-out evaluation prompts with a grader, and preference
// pairs for the reward model, from code-generated families (arithmetic, string transforms, world
// facts) and from the classical-Chinese corpus (classical/: loaded on demand, see loadTaskFamilies).
// Everything is seeded and deterministic. Train and held-out are disjoint by construction: a
// problem's split is a hash of its key alone (split.ts), so no seed or count can put one problem in both.
// Does not render or tokenize (src/data/chat does that).
import { Rng } from '../util/rng';
import type { ChatExample, ChatMessage, PreferencePair } from '../data/chat/types';
import { arithmeticFamily } from './arithmetic';
import { stringFamily } from './strings';
import { worldFamily } from './world';
import { splitOf } from './split';
import { CLASSICAL_TASK_NAMES, isClassicalTask, loadClassicalFamilies } from './classical';
import type { Split, TaskFamily, TaskItem } from './types';

export type { GradedItem, Split, TaskFamily, TaskItem } from './types';
export { gradeReply, isExactMatch, normaliseAnswer } from './grade';
export { splitOf } from './split';
export { CLASSICAL_TASK_NAMES } from './classical';

export const TASK_NAMES = ['all', 'arithmetic', 'strings', 'reverse', 'sort', 'count', 'world'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** Every built-in task name: the generated tasks, and those made from the classical corpus. */
export const ALL_TASK_NAMES: readonly string[] = [...TASK_NAMES, ...CLASSICAL_TASK_NAMES];

/** The families behind a task name; 'all' is arithmetic, strings and world together. The classical
 *  tasks need their corpus loaded first: use loadTaskFamilies for them. */
export function taskFamilies(name: string): TaskFamily[] {
  if (isClassicalTask(name)) throw new Error(`The task "${name}" is made from the classical corpus, which loads on demand: use loadTaskFamilies("${name}").`);
  switch (name) {
    case 'all': return [arithmeticFamily(), stringFamily(), worldFamily()];
    case 'arithmetic': return [arithmeticFamily()];
    case 'strings': return [stringFamily()];
    case 'reverse': case 'sort': case 'count': return [stringFamily({ kinds: [name] })];
    case 'world': return [worldFamily()];
    default: throw new Error(`Unknown built-in task "${name}". Tasks: ${ALL_TASK_NAMES.join(', ')}.`);
  }
}

/** The families behind any built-in task name, loading the classical corpus when the task needs it. */
export async function loadTaskFamilies(name: string): Promise<TaskFamily[]> {
  return isClassicalTask(name) ? loadClassicalFamilies(name) : taskFamilies(name);
}


export interface DrawOptions {
  split: Split;
  count: number;
  seed: number;
  /** No problem twice (default: true for held-out, false for train). May return fewer than count
   *  when a family has fewer distinct problems in the split (world facts). */
  unique?: boolean;
}

export interface DrawnItem extends TaskItem { family: TaskFamily }

function nameSeed(seed: number, name: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Problems of one split, taken round-robin from the families, each family on its own seeded stream. */
export function drawItems(families: readonly TaskFamily[], { split, count, seed, unique = split === 'heldout' }: DrawOptions): DrawnItem[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`The number of task items must be a whole number, got ${count}.`);
  const streams = families.map((f) => ({ family: f, rng: new Rng(nameSeed(seed, f.name)), seen: new Set<string>(), done: false }));
  const out: DrawnItem[] = [];
  for (let i = 0; out.length < count && streams.some((s) => !s.done); i++) {
    const s = streams[i % streams.length];
    if (s.done) continue;
    // Bounded search: a small split (world facts) runs out of unique problems.
    for (let attempt = 0; ; attempt++) {
      if (attempt > 2000) { s.done = true; break; }
      const item = s.family.draw(s.rng);
      if (splitOf(item.key) !== split || (unique && s.seen.has(item.key))) continue;
      s.seen.add(item.key);
      out.push({ ...item, family: s.family });
      break;
    }
  }
  return out;
}

const ask = (item: TaskItem): ChatMessage[] => [{ role: 'user', content: item.prompt }];
const reply = (content: string): ChatMessage => ({ role: 'assistant', content });

/** Training conversations (train split): the question and its right answer. */
export function sftExamples(families: readonly TaskFamily[], count: number, seed: number): ChatExample[] {
  return drawItems(families, { split: 'train', count, seed }).map((it) => ({ messages: [...ask(it), reply(it.answer)] }));
}

export interface EvalItem {
  family: string;
  /** The conversation to continue (ends with the user's question). */
  messages: ChatMessage[];
  answer: string;
}

/** Held-out questions with their answers, for exact-match evaluation; no question twice. */
export function evalItems(families: readonly TaskFamily[], count: number, seed: number): EvalItem[] {
  return drawItems(families, { split: 'heldout', count, seed }).map((it) => ({ family: it.family.name, messages: ask(it), answer: it.answer }));
}

/** Preference pairs: the same question answered right (chosen) and subtly wrong (rejected). */
export function preferencePairs(families: readonly TaskFamily[], { split, count, seed, unique }: DrawOptions): PreferencePair[] {
  const rng = new Rng(nameSeed(seed, 'wrong-answers'));
  return drawItems(families, { split, count, seed, unique }).map((it) => ({
    chosen: [...ask(it), reply(it.answer)],
    rejected: [...ask(it), reply(it.family.wrong(it, rng))],
  }));
}
