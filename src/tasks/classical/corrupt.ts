// Corrupted answers for preference pairs: wrong in one visible way, never equal to the true answer
// once punctuation is ignored. Each takes the true text and returns a variant, or null when that
// kind of corruption cannot apply (the caller tries another kind).
//   swapChars     two neighbouring, different characters trade places
//   dropClause    the last clause goes (the continuation stops early)
//   resize        one character is removed or repeated (a poem line of the wrong length)
// Text in, text out; the choice of another passage's line lives with each task.
import type { Rng } from '../../util/rng';
import { hanText } from '../../data/classical/han';

const isHan = (c: string) => /\p{Script=Han}/u.test(c);

export function swapChars(text: string, rng: Rng): string | null {
  const cs = [...text];
  const spots: number[] = [];
  for (let i = 0; i + 1 < cs.length; i++) if (isHan(cs[i]) && isHan(cs[i + 1]) && cs[i] !== cs[i + 1]) spots.push(i);
  if (spots.length === 0) return null;
  const i = spots[rng.int(spots.length)];
  [cs[i], cs[i + 1]] = [cs[i + 1], cs[i]];
  return cs.join('');
}

/** The text without its last clause (up to the previous clause mark), if at least one clause stays. */
export function dropClause(text: string): string | null {
  const body = text.replace(/[，。：；？！、”’」』》]+$/u, '');
  const cut = Math.max(...[...'，。：；？！、'].map((m) => body.lastIndexOf(m)));
  if (cut <= 0 || hanText(body.slice(0, cut)).length === 0) return null;
  return body.slice(0, cut + 1);
}

/** One Han character removed or doubled, punctuation kept. */
export function resize(text: string, rng: Rng): string | null {
  const cs = [...text];
  const han = cs.map((c, i) => (isHan(c) ? i : -1)).filter((i) => i >= 0);
  if (han.length < 2) return null;
  const i = han[rng.int(han.length)];
  if (rng.next() < 0.5) cs.splice(i, 1);
  else cs.splice(i, 0, cs[i]);
  return cs.join('');
}
