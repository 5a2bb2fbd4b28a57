// The built-in training corpus: generated here from a seed, so no third-party text ships with
// the app and every run can reproduce it exactly. Paragraphs (separated by blank lines) are
// stories about a small fictional world (world.ts, corpus-stories.ts), arithmetic facts and
// simple lists: structure a small model visibly learns, first spelling, then grammar, then facts.
// Pure ASCII, so its length in characters equals its length in UTF-8 bytes.
// Does not tokenize or split the text: see split.ts and tokenize.ts.
import { Rng } from '../util/rng';
import { DAYS, story } from './corpus-stories';
import { DEFAULT_WORLD_SEED, makeWorld, type World } from './world';

export const DEFAULT_CORPUS_BYTES = 1_500_000;
const MIN_CORPUS_BYTES = 1024;

export interface CorpusOptions {
  /** Seeds both the world (makeWorld(seed)) and the choice of paragraphs. */
  seed?: number;
  /** Upper bound on the length; the text ends at the last whole paragraph that fits. */
  bytes?: number;
}

/** A corpus of at most `bytes` ASCII characters, ending with a newline. The same seed always gives the
 *  same text, and a shorter corpus is a prefix of a longer one with the same seed. */
export function generateCorpus({ seed = DEFAULT_WORLD_SEED, bytes = DEFAULT_CORPUS_BYTES }: CorpusOptions = {}): string {
  if (!Number.isSafeInteger(bytes) || bytes < MIN_CORPUS_BYTES)
    throw new RangeError(`Corpus size must be a whole number of at least ${MIN_CORPUS_BYTES} bytes, got ${bytes}.`);
  const world = makeWorld(seed);
  // A separate stream from the world's, so changing how the world is drawn only changes its facts.
  const rng = new Rng((seed ^ 0x9e3779b9) >>> 0);
  const parts: string[] = [];
  let length = 1; // the final newline
  for (;;) {
    const p = paragraph(rng, world);
    const added = p.length + (parts.length > 0 ? 2 : 0);
    if (length + added > bytes) break;
    parts.push(p);
    length += added;
  }
  return parts.join('\n\n') + '\n';
}

function paragraph(rng: Rng, world: World): string {
  const r = rng.next();
  if (r < 0.7) return story(rng, world);
  if (r < 0.85) return arithmetic(rng);
  return list(rng, world);
}

/** 3–6 lines of exact integer arithmetic, e.g. "17 + 25 = 42.". */
function arithmetic(rng: Rng): string {
  const lines: string[] = [];
  const n = 3 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const op = rng.int(3);
    if (op === 0) {
      const a = rng.int(100), b = rng.int(100);
      lines.push(`${a} + ${b} = ${a + b}.`);
    } else if (op === 1) {
      const a = rng.int(100), b = rng.int(a + 1);
      lines.push(`${a} - ${b} = ${a - b}.`);
    } else {
      const a = 1 + rng.int(12), b = 1 + rng.int(12);
      lines.push(`${a} * ${b} = ${a * b}.`);
    }
  }
  return lines.join('\n');
}

function list(rng: Rng, world: World): string {
  switch (rng.int(4)) {
    case 0: {
      const step = 1 + rng.int(9), start = step * rng.int(10), n = 5 + rng.int(6);
      return `Counting by ${step} from ${start}: ${Array.from({ length: n }, (_, i) => start + i * step).join(', ')}.`;
    }
    case 1: {
      const first = rng.int(7), n = 3 + rng.int(5);
      return `The days after ${DAYS[first]} are ${Array.from({ length: n }, (_, i) => DAYS[(first + 1 + i) % 7]).join(', ')}.`;
    }
    case 2: {
      const town = world.towns[rng.int(world.towns.length)];
      const people = world.people.filter((p) => p.home === town.name).map((p) => p.name);
      return `The people of ${town.name} are ${andList(people)}.`;
    }
    default: {
      const pets = world.people.map((p) => `${p.pet.name} the ${p.pet.kind}`);
      const start = rng.int(pets.length), n = 2 + rng.int(4);
      return `Pets: ${Array.from({ length: n }, (_, i) => pets[(start + i) % pets.length]).join(', ')}.`;
    }
  }
}

function andList(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
