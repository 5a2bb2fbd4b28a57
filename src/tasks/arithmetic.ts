// Multi-digit addition and subtraction: "What is 37 + 58?" → "95". Subtraction never goes below
// zero. A wrong answer changes one digit of the right one by one (95 → 85, 94 or 96), the slip a
// person makes when a carry goes astray.
import type { Rng } from '../util/rng';
import type { TaskFamily, TaskItem } from './types';

export interface ArithmeticOptions {
  /** Operands have 1..digits digits (default 2). */
  digits?: number;
}

export function arithmeticFamily({ digits = 2 }: ArithmeticOptions = {}): TaskFamily {
  if (!Number.isInteger(digits) || digits < 1 || digits > 6) throw new RangeError(`Arithmetic operands need 1 to 6 digits, got ${digits}.`);
  const limit = 10 ** digits;
  return {
    name: 'arithmetic',
    summary: `addition and subtraction of numbers below ${limit}`,
    draw(rng: Rng): TaskItem {
      let a = rng.int(limit), b = rng.int(limit);
      const add = rng.next() < 0.5;
      if (!add && b > a) [a, b] = [b, a];
      const op = add ? '+' : '-';
      return { key: `${a}${op}${b}`, prompt: `What is ${a} ${op} ${b}?`, answer: String(add ? a + b : a - b) };
    },
    wrong(item: TaskItem, rng: Rng): string {
      const d = item.answer.split('').map(Number);
      const i = rng.int(d.length);
      const lowest = i === 0 && d.length > 1 ? 1 : 0; // no leading zero
      const options = [d[i] - 1, d[i] + 1].filter((x) => x >= lowest && x <= 9);
      d[i] = options[rng.int(options.length)];
      return d.join('');
    },
  };
}
