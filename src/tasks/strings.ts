// String transforms on random lower-case words: reverse the letters, sort them, count one letter.
//   "Reverse kqtz" → "ztqk"   "Sort kqtz" → "kqtz"   "How many a in banana?" → "3"
// Wrong answers are near misses: two neighbouring letters swapped, or a count off by one.
import type { Rng } from '../util/rng';
import type { TaskFamily, TaskItem } from './types';

export type StringKind = 'reverse' | 'sort' | 'count';
export const STRING_KINDS: readonly StringKind[] = ['reverse', 'sort', 'count'];

export interface StringOptions {
  kinds?: readonly StringKind[];
  minLength?: number;
  maxLength?: number;
  alphabet?: string;
}

function word(rng: Rng, alphabet: string, min: number, max: number): string {
  const n = min + rng.int(max - min + 1);
  let w = '';
  for (let i = 0; i < n; i++) w += alphabet[rng.int(alphabet.length)];
  return w;
}

/** Swaps a random pair of neighbouring letters that differ; with none, shifts one letter. */
function nearMiss(s: string, rng: Rng, alphabet: string): string {
  const spots = [...s.slice(1)].map((_, i) => i).filter((i) => s[i] !== s[i + 1]);
  if (spots.length > 0) {
    const i = spots[rng.int(spots.length)];
    return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
  const i = rng.int(s.length);
  const next = alphabet[(alphabet.indexOf(s[i]) + 1) % alphabet.length];
  return s.slice(0, i) + next + s.slice(i + 1);
}

export function stringFamily({ kinds = STRING_KINDS, minLength = 3, maxLength = 6, alphabet = 'abcdefghijklmnopqrstuvwxyz' }: StringOptions = {}): TaskFamily {
  if (kinds.length === 0 || kinds.some((k) => !STRING_KINDS.includes(k))) throw new RangeError(`String task kinds must be some of ${STRING_KINDS.join(', ')}.`);
  if (!(Number.isInteger(minLength) && minLength >= 2 && maxLength >= minLength && maxLength <= 32)) throw new RangeError(`Word lengths must satisfy 2 ≤ min ≤ max ≤ 32, got ${minLength}..${maxLength}.`);
  if (!/^[a-z]{2,}$/.test(alphabet) || new Set(alphabet).size !== alphabet.length) throw new RangeError('The alphabet must be two or more distinct lower-case letters.');
  return {
    name: kinds.length === 1 ? kinds[0] : 'strings',
    summary: `${kinds.join(' / ')} on words of ${minLength}-${maxLength} letters`,
    draw(rng: Rng): TaskItem {
      const kind = kinds[rng.int(kinds.length)];
      const w = word(rng, alphabet, minLength, maxLength);
      if (kind === 'reverse') return { key: `reverse:${w}`, prompt: `Reverse ${w}`, answer: [...w].reverse().join('') };
      if (kind === 'sort') return { key: `sort:${w}`, prompt: `Sort ${w}`, answer: [...w].sort().join('') };
      // Usually a letter of the word; sometimes any letter, so that 0 is a possible answer.
      const letter = rng.next() < 0.8 ? w[rng.int(w.length)] : alphabet[rng.int(alphabet.length)];
      const count = [...w].filter((c) => c === letter).length;
      return { key: `count:${letter}:${w}`, prompt: `How many ${letter} in ${w}?`, answer: String(count) };
    },
    wrong(item: TaskItem, rng: Rng): string {
      if (item.key.startsWith('count:')) {
        const n = Number(item.answer);
        return String(n === 0 || rng.next() < 0.5 ? n + 1 : n - 1);
      }
      return nearMiss(item.answer, rng, alphabet);
    },
  };
}
