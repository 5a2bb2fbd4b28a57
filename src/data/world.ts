// A tiny, seeded fictional world: a few people and towns with fixed facts.
// The built-in corpus (corpus.ts) tells stories that only ever state these facts, so a model that
// learns the corpus can be asked about them later (SFT / eval build question-answer tasks from
// `worldFacts`). This module only defines the world; it does not render text.
import { Rng } from '../util/rng';

export type Pronoun = 'she' | 'he';

export interface Pet { kind: string; name: string }

export interface Job {
  title: string;     // "baker"
  workplace: string; // "the bakery"
  activity: string;  // "bakes bread" (present tense, third person)
}

export interface Town {
  name: string;
  size: string;  // "small", "busy", ...
  place: string; // "by the sea", "in the hills", ...
  knownFor: string;
}

export interface Person {
  name: string;
  pronoun: Pronoun;
  age: number;
  home: string; // a Town name
  pet: Pet;
  colour: string;
  food: string;
  job: Job;
  friend: string; // a Person name; friendship is mutual
}

export interface World {
  seed: number;
  towns: Town[];
  people: Person[];
}

const NAMES: [string, Pronoun][] = [
  ['Mira', 'she'], ['Tom', 'he'], ['Ana', 'she'], ['Ben', 'he'], ['Lena', 'she'], ['Omar', 'he'],
  ['Ivy', 'she'], ['Sam', 'he'], ['Nora', 'she'], ['Leo', 'he'], ['Ruth', 'she'], ['Hugo', 'he'],
  ['Zoe', 'she'], ['Finn', 'he'], ['Ada', 'she'], ['Max', 'he'], ['Iris', 'she'], ['Eli', 'he'],
];
const TOWN_NAMES = ['Ashford', 'Brill', 'Corran', 'Dunmore', 'Elwick', 'Fenby', 'Harlow', 'Kestle'];
const TOWN_SIZES = ['small', 'big', 'quiet', 'busy', 'old', 'windy'];
const TOWN_PLACES = ['by the sea', 'in the hills', 'on a wide river', 'near a dark forest', 'in a green valley', 'on a lake'];
const KNOWN_FOR = ['bread', 'boats', 'apples', 'bells', 'cheese', 'kites', 'wool', 'bridges'];
const PET_KINDS = ['cat', 'dog', 'rabbit', 'parrot', 'goat', 'horse', 'hen', 'turtle', 'duck', 'mouse'];
const PET_NAMES = ['Pip', 'Rex', 'Moss', 'Bean', 'Dot', 'Biscuit', 'Pepper', 'Tuck', 'Olive', 'Sunny', 'Fig', 'Bolt'];
const COLOURS = ['red', 'blue', 'green', 'yellow', 'orange', 'purple', 'white', 'black', 'pink', 'brown'];
const FOODS = ['apples', 'soup', 'bread', 'cheese', 'plums', 'rice', 'pie', 'honey', 'noodles', 'pears', 'eggs', 'beans'];
const JOBS: Job[] = [
  { title: 'baker', workplace: 'the bakery', activity: 'bakes bread' },
  { title: 'farmer', workplace: 'the farm', activity: 'grows wheat' },
  { title: 'teacher', workplace: 'the school', activity: 'teaches children to read' },
  { title: 'doctor', workplace: 'the clinic', activity: 'helps sick people' },
  { title: 'painter', workplace: 'the studio', activity: 'paints pictures' },
  { title: 'fisher', workplace: 'the harbour', activity: 'catches fish' },
  { title: 'builder', workplace: 'the building site', activity: 'builds houses' },
  { title: 'singer', workplace: 'the hall', activity: 'sings songs' },
  { title: 'tailor', workplace: 'the shop', activity: 'sews coats' },
  { title: 'miller', workplace: 'the mill', activity: 'grinds flour' },
];

export const DEFAULT_WORLD_SEED = 1;
const PEOPLE = 8; // even, so everyone has exactly one best friend
const TOWNS = 4;

/** Fisher–Yates on a copy, then the first n. */
function pick<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/** The same seed always gives the same world. Within a world every name, pet, colour, food, job and
 *  town property is distinct, so each fact identifies its subject (good for question answering). */
export function makeWorld(seed: number = DEFAULT_WORLD_SEED): World {
  const rng = new Rng(seed);
  const sizes = pick(rng, TOWN_SIZES, TOWNS);
  const places = pick(rng, TOWN_PLACES, TOWNS);
  const knownFor = pick(rng, KNOWN_FOR, TOWNS);
  const towns = pick(rng, TOWN_NAMES, TOWNS).map((name, i): Town => ({
    name, size: sizes[i], place: places[i], knownFor: knownFor[i],
  }));
  const names = pick(rng, NAMES, PEOPLE);
  const kinds = pick(rng, PET_KINDS, PEOPLE);
  const petNames = pick(rng, PET_NAMES, PEOPLE);
  const colours = pick(rng, COLOURS, PEOPLE);
  const foods = pick(rng, FOODS, PEOPLE);
  const jobs = pick(rng, JOBS, PEOPLE);
  const people = names.map(([name, pronoun], i): Person => ({
    name,
    pronoun,
    age: 20 + rng.int(50),
    // Every town gets at least two residents, the rest are spread at random.
    home: towns[i < 2 * TOWNS ? i % TOWNS : rng.int(TOWNS)].name,
    pet: { kind: kinds[i], name: petNames[i] },
    colour: colours[i],
    food: foods[i],
    job: jobs[i],
    friend: '',
  }));
  const order = pick(rng, people, PEOPLE);
  for (let i = 0; i < PEOPLE; i += 2) {
    order[i].friend = order[i + 1].name;
    order[i + 1].friend = order[i].name;
  }
  return { seed, towns, people };
}

/** "a cat", "an old town". */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

export function townOf(world: World, person: Person): Town {
  const town = world.towns.find((t) => t.name === person.home);
  if (!town) throw new Error(`World is inconsistent: ${person.name} lives in unknown town ${person.home}.`);
  return town;
}

export interface Fact {
  subject: string;  // person or town name
  relation: 'home' | 'pet-kind' | 'pet-name' | 'colour' | 'food' | 'job' | 'friend' | 'age' | 'town-size' | 'town-place' | 'known-for';
  question: string; // a plain question whose answer is `answer`
  answer: string;
}

/** Every fact of the world as a question and a short answer, in a fixed order. */
export function worldFacts(world: World): Fact[] {
  const facts: Fact[] = [];
  for (const p of world.people) {
    const does = `does ${p.name}`;
    facts.push(
      { subject: p.name, relation: 'home', question: `Where ${does} live?`, answer: p.home },
      { subject: p.name, relation: 'pet-kind', question: `What pet ${does} have?`, answer: withArticle(p.pet.kind) },
      { subject: p.name, relation: 'pet-name', question: `What is the name of ${p.name}'s ${p.pet.kind}?`, answer: p.pet.name },
      { subject: p.name, relation: 'colour', question: `What is ${p.name}'s favourite colour?`, answer: p.colour },
      { subject: p.name, relation: 'food', question: `What ${does} like to eat?`, answer: p.food },
      { subject: p.name, relation: 'job', question: `What is ${p.name}'s job?`, answer: withArticle(p.job.title) },
      { subject: p.name, relation: 'friend', question: `Who is ${p.name}'s best friend?`, answer: p.friend },
      { subject: p.name, relation: 'age', question: `How old is ${p.name}?`, answer: String(p.age) },
    );
  }
  for (const t of world.towns) {
    facts.push(
      { subject: t.name, relation: 'town-size', question: `What kind of town is ${t.name}?`, answer: t.size },
      { subject: t.name, relation: 'town-place', question: `Where is ${t.name}?`, answer: t.place },
      { subject: t.name, relation: 'known-for', question: `What is ${t.name} known for?`, answer: t.knownFor },
    );
  }
  return facts;
}
