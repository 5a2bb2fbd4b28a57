// Preferences the user picked between two SFT samples, kept in IndexedDB (a database of their own,
// 'tabgpt-preferences') so they survive reloads. A pick of A or B is a preference pair for the
// reward model; a tie is kept (it says the user looked) but is no pair. Exported and joined to the
// reward dataset as JSONL lines {"prompt", "chosen", "rejected"} (src/data/chat/jsonl.ts).
import { type DBSchema, openDB } from 'idb';

export type Choice = 'a' | 'b' | 'tie';

export interface Preference {
  id?: number;
  prompt: string;
  a: string;
  b: string;
  choice: Choice;
  created: number;
}

interface Schema extends DBSchema {
  picks: { key: number; value: Preference };
}

const db = () => openDB<Schema>('tabgpt-preferences', 1, {
  upgrade(d) { d.createObjectStore('picks', { keyPath: 'id', autoIncrement: true }); },
});

export async function addPreference(p: Omit<Preference, 'id' | 'created'>): Promise<void> {
  await (await db()).add('picks', { ...p, created: Date.now() });
}

export async function listPreferences(): Promise<Preference[]> {
  return (await db()).getAll('picks');
}

export async function clearPreferences(): Promise<void> {
  await (await db()).clear('picks');
}

/** The picks that say which answer is better, one JSONL pair per line (ties and same answers left out). */
export function preferencesJsonl(picks: readonly Preference[]): string {
  return picks
    .filter((p) => p.choice !== 'tie' && p.a !== p.b)
    .map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.choice === 'a' ? p.a : p.b, rejected: p.choice === 'a' ? p.b : p.a }) + '\n')
    .join('');
}
