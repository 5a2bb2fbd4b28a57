// The RL stage's view of the built-in tasks (src/tasks): prompts to sample from, per split, and a
// verifiable grader (its family's: exact match after normalisation, or partial credit). A narrow
// interface, so a caller can also hand RL its own task.
// It does not tokenize (format.ts) or sample (rollout.ts).
import { drawItems, gradeReply, preferencePairs, taskFamilies, type Split, type TaskFamily } from '../../tasks';
import type { PreferencePair as ChatPair } from '../../data/chat/types';

export interface RlExample {
  prompt: string;
  /** The reference answer the grader compares with. */
  answer: string;
  /** The task family it was drawn from, whose grader scores it (default: exact match). */
  family?: string;
}

export interface RlTask {
  name: string;
  summary: string;
  /** `count` examples of a split, deterministic in `seed`; train and held-out never share a problem. */
  examples(split: Split, count: number, seed: number): RlExample[];
  /** Reward in [0, 1] for a response's text (its stop token already removed); partial credit where
   *  the task's family grades with it. */
  grade(example: RlExample, response: string): number;
  /** Preference pairs (right vs subtly wrong answer) for DPO, when the task can make them. */
  pairs?(split: Split, count: number, seed: number): ChatPair[];
}

/** A built-in task by name (see src/tasks TASK_NAMES), or from families built with options. */
export function builtinTask(task: string | readonly TaskFamily[]): RlTask {
  const families = typeof task === 'string' ? taskFamilies(task) : task;
  return {
    name: typeof task === 'string' ? task : families.map((f) => f.name).join('+'),
    summary: families.map((f) => f.summary).join('; '),
    examples(split, count, seed) {
      const items = drawItems(families, { split, count, seed });
      if (items.length === 0) throw new Error(`The task has no ${split} problems to draw.`);
      // A small split runs out of unique problems: cycle through what there is.
      return Array.from({ length: count }, (_, i) => ({ prompt: items[i % items.length].prompt, answer: items[i % items.length].answer, family: items[i % items.length].family.name }));
    },
    grade: (example, response) => gradeReply(families.find((f) => f.name === example.family), example, response),
    pairs: (split, count, seed) => preferencePairs(families, { split, count, seed }),
  };
}
