// Tasks with a verifiable answer, the default data of the RL stage: prompts to sample from and a
// grader that scores a response. Until the shared built-in tasks (src/tasks) land, this module
// provides one small local task, addition of two small numbers, behind the same narrow interface.
// It does not tokenize (format.ts) or sample (rollout.ts).
import { Rng } from '../../util/rng';

export interface RlExample {
  prompt: string;
  /** The reference answer the grader compares with. */
  answer: string;
}

export type RlSplit = 'train' | 'test';

export interface RlTask {
  name: string;
  summary: string;
  /** `count` examples of a split, deterministic in `seed`; train and test never share a prompt. */
  examples(split: RlSplit, count: number, seed: number): RlExample[];
  /** Reward in [0, 1] for a response's text (its stop token already removed). */
  grade(example: RlExample, response: string): number;
  /** Characters prompts and answers use (a char tokenizer built from them covers the task). */
  alphabet: string;
}

/** "a+b=" → "a+b" for a, b in [0, maxOperand]; one pair in five (fixed by a hash) is held out. */
export function additionTask(maxOperand = 19): RlTask {
  if (!(Number.isInteger(maxOperand) && maxOperand >= 1 && maxOperand <= 9999)) throw new Error(`The addition task's largest operand must be a whole number from 1 to 9999, got ${maxOperand}.`);
  const pairs: Record<RlSplit, [number, number][]> = { train: [], test: [] };
  for (let a = 0; a <= maxOperand; a++)
    for (let b = 0; b <= maxOperand; b++) pairs[(Math.imul(a * 7919 + b, 2654435761) >>> 0) % 5 === 0 ? 'test' : 'train'].push([a, b]);
  return {
    name: 'addition',
    summary: `add two whole numbers from 0 to ${maxOperand} ("3+4=" → "7")`,
    alphabet: '0123456789+=\n',
    examples(split, count, seed) {
      const rng = new Rng(seed), pool = pairs[split];
      return Array.from({ length: count }, () => {
        const [a, b] = pool[rng.int(pool.length)];
        return { prompt: `${a}+${b}=`, answer: String(a + b) };
      });
    },
    grade: (example, response) => (response.trim() === example.answer ? 1 : 0),
  };
}

export const LOCAL_TASKS: Record<string, () => RlTask> = { addition: () => additionTask() };
