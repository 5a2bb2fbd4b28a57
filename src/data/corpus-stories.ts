// Short stories about one person of the world (world.ts), built from simple sentence templates.
// Every sentence states or uses a fact of the world, never contradicts one, so the only way to
// predict "Mira feeds her cat, ..." well is to learn that Mira's cat is called Pip.
// Does not choose how many stories to tell or mix them with other text: corpus.ts does that.
import type { Rng } from '../util/rng';
import { townOf, withArticle, type Person, type Town, type World } from './world';

/** What a template may talk about: the main character, their best friend, and both homes. */
interface Cast {
  p: Person;
  town: Town;
  f: Person;
  fTown: Town;
  day: string;
}

type Template = (c: Cast) => string | null; // null: does not apply to this cast

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const subj = (p: Person) => p.pronoun;
const poss = (p: Person) => (p.pronoun === 'she' ? 'her' : 'his');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const INTROS: Template[] = [
  ({ p }) => `Once there was ${withArticle(p.job.title)} named ${p.name}.`,
  ({ p }) => `This is a story about ${p.name}.`,
  ({ p }) => `${p.name} is ${withArticle(p.job.title)} who lives in ${p.home}.`,
  ({ p, day }) => `On ${day}, ${p.name} woke up early.`,
  ({ p }) => `In ${p.home} there lives ${withArticle(p.job.title)} called ${p.name}.`,
];

// One group per fact; a story states a few of the groups, each in one of its phrasings.
const FACTS: Template[][] = [
  [
    ({ p }) => `${p.name} lives in ${p.home}.`,
    ({ p, town }) => `${cap(subj(p))} lives in ${p.home}, ${withArticle(town.size)} town ${town.place}.`,
    ({ p }) => `${p.name}'s home is in ${p.home}.`,
    ({ p }) => `${p.name} has lived in ${p.home} for many years.`,
  ],
  [
    ({ town }) => `${town.name} is ${withArticle(town.size)} town ${town.place}.`,
    ({ town }) => `${town.name} is known for its ${town.knownFor}.`,
    ({ town }) => `People come to ${town.name} for its ${town.knownFor}.`,
  ],
  [
    ({ p }) => `${p.name} has ${withArticle(p.pet.kind)} called ${p.pet.name}.`,
    ({ p }) => `${cap(subj(p))} has ${withArticle(p.pet.kind)} named ${p.pet.name}.`,
    ({ p }) => `Every morning, ${p.name} feeds ${poss(p)} ${p.pet.kind}, ${p.pet.name}.`,
    ({ p }) => `${p.pet.name} is ${p.name}'s ${p.pet.kind}.`,
    ({ p }) => `${p.name} loves ${poss(p)} ${p.pet.kind}, ${p.pet.name}.`,
  ],
  [
    ({ p }) => `${cap(poss(p))} favourite colour is ${p.colour}.`,
    ({ p }) => `${p.name} likes ${p.colour} more than any other colour.`,
    ({ p }) => `${p.name} has ${withArticle(p.colour)} hat, because ${p.colour} is ${poss(p)} favourite colour.`,
    ({ p }) => `${p.name} painted ${poss(p)} door ${p.colour}, ${poss(p)} favourite colour.`,
  ],
  [
    ({ p }) => `${p.name} loves to eat ${p.food}.`,
    ({ p }) => `For lunch, ${p.name} had ${p.food}, as always.`,
    ({ p }) => `${cap(poss(p))} favourite food is ${p.food}.`,
    ({ p }) => `Nothing makes ${p.name} happier than ${p.food}.`,
  ],
  [
    ({ p }) => `${p.name} works as ${withArticle(p.job.title)}.`,
    ({ p }) => `Every day, ${p.name} goes to ${p.job.workplace}, where ${subj(p)} ${p.job.activity}.`,
    ({ p }) => `${p.name} is ${withArticle(p.job.title)}; ${subj(p)} ${p.job.activity}.`,
    ({ p }) => `At ${p.job.workplace}, ${p.name} ${p.job.activity}.`,
  ],
  [
    ({ p }) => `${p.name} is ${p.age} years old.`,
    ({ p }) => `Next year, ${p.name} will be ${p.age + 1}.`,
    ({ p }) => `Last year, ${p.name} was ${p.age - 1}, so now ${subj(p)} is ${p.age}.`,
  ],
  [
    ({ p, f }) => `${p.name}'s best friend is ${f.name}.`,
    ({ p, f }) => `${p.name} and ${f.name} are best friends.`,
    ({ p, f }) => `${f.name} is ${p.name}'s best friend, and ${f.name} lives in ${f.home}.`,
    ({ p, f }) => (p.home === f.home ? `${p.name} and ${f.name} both live in ${p.home}.` : null),
  ],
];

// Small events that combine facts of the person and the friend.
const EPISODES: Template[] = [
  ({ p, day }) => `On ${day}, ${p.name} took ${p.pet.name} to ${p.job.workplace}.`,
  ({ p, f, day }) => (p.home === f.home
    ? `On ${day}, ${p.name} walked across ${p.home} to see ${f.name}.`
    : `On ${day}, ${p.name} went to ${f.home} to see ${f.name}.`),
  ({ p, f }) => `${f.name} made ${f.food} for ${p.name}, because ${f.food} is ${f.name}'s favourite food.`,
  ({ p, f }) => `${p.name} cooked ${f.food} for ${f.name}, because ${f.name} loves ${f.food}.`,
  ({ p, f }) => `${p.name} found ${withArticle(f.colour)} scarf and gave it to ${f.name}, who likes ${f.colour} best.`,
  ({ p, f }) => `${f.name} came with ${poss(f)} ${f.pet.kind}, ${f.pet.name}. ${p.pet.name} and ${f.pet.name} played all day.`,
  ({ p }) => `When ${p.name} was tired, ${subj(p)} sat by the window with ${p.pet.name} and ate ${p.food}.`,
  ({ f, fTown }) => `${f.name} said that ${fTown.name} is ${fTown.place}, and ${fTown.name} is known for its ${fTown.knownFor}.`,
  ({ p, f }) => `${f.name} the ${f.job.title} helped ${p.name} the ${p.job.title}.`,
];

const ENDINGS: Template[] = [
  () => 'It was a good day.',
  ({ p }) => `Then ${subj(p)} went home to ${p.home}.`,
  () => 'The end.',
  ({ p }) => `${p.name} was happy.`,
  ({ p }) => `That night, ${p.pet.name} slept by the fire.`,
  ({ p }) => `${p.name} said goodbye and went back to ${p.home}.`,
];

function choose<T>(rng: Rng, items: readonly T[]): T { return items[rng.int(items.length)]; }

/** First template of `options` (tried from a random start) that applies to the cast. */
function render(rng: Rng, options: readonly Template[], cast: Cast): string {
  const start = rng.int(options.length);
  for (let i = 0; i < options.length; i++) {
    const s = options[(start + i) % options.length](cast);
    if (s !== null) return s;
  }
  throw new Error('No story template applies; every template group needs one that always does.');
}

/** One story of 4–9 sentences about a random person, as a single line. */
export function story(rng: Rng, world: World): string {
  const p = choose(rng, world.people);
  const f = world.people.find((q) => q.name === p.friend);
  if (!f) throw new Error(`World is inconsistent: ${p.name}'s friend ${p.friend} is missing.`);
  const cast: Cast = { p, town: townOf(world, p), f, fTown: townOf(world, f), day: choose(rng, DAYS) };
  const out = [render(rng, INTROS, cast)];
  const groups = FACTS.slice();
  const nFacts = 2 + rng.int(4);
  for (let i = 0; i < nFacts; i++) out.push(render(rng, groups.splice(rng.int(groups.length), 1)[0], cast));
  const nEpisodes = rng.int(3);
  for (let i = 0; i < nEpisodes; i++) out.push(render(rng, EPISODES, cast));
  out.push(render(rng, ENDINGS, cast));
  return out.join(' ');
}
