// The tasks made from the classical corpus (src/data/classical), by name:
//   analects-continue   continue an Analects passage from its opening        (analects.ts)
//   tang-next-line      the next line of a Tang poem                          (tang.ts)
//   classical-source    the book and chapter a passage comes from             (source.ts)
//   classical           all three
// Each has a grader with partial credit (grade.ts) and corrupted answers for preference pairs;
// the split is by passage or poem (keys.ts). Loading reads only the vendored files a task needs.
import { loadClassics, loadTang, type ClassicalBook, type TangPoem } from '../../data/classical/corpus';
import type { TaskFamily } from '../types';
import { analectsContinueFamily } from './analects';
import { classicalSourceFamily } from './source';
import { tangNextLineFamily } from './tang';

export const CLASSICAL_TASK_NAMES = ['classical', 'analects-continue', 'tang-next-line', 'classical-source'] as const;
export type ClassicalTaskName = (typeof CLASSICAL_TASK_NAMES)[number];

export function isClassicalTask(name: string): name is ClassicalTaskName {
  return (CLASSICAL_TASK_NAMES as readonly string[]).includes(name);
}

/** The families of a classical task from corpus parts already loaded (only those it needs). */
export function classicalFamilies(name: ClassicalTaskName, corpus: { books?: readonly ClassicalBook[]; poems?: readonly TangPoem[] }): TaskFamily[] {
  const books = () => corpus.books ?? need('books');
  const poems = () => corpus.poems ?? need('poems');
  switch (name) {
    case 'classical': return [analectsContinueFamily(books()), tangNextLineFamily(poems()), classicalSourceFamily(books())];
    case 'analects-continue': return [analectsContinueFamily(books())];
    case 'tang-next-line': return [tangNextLineFamily(poems())];
    case 'classical-source': return [classicalSourceFamily(books())];
  }
}

const need = (part: string): never => { throw new Error(`This classical task needs the corpus's ${part}.`); };

export async function loadClassicalFamilies(name: string): Promise<TaskFamily[]> {
  if (!isClassicalTask(name)) throw new Error(`Unknown classical task "${name}". Tasks: ${CLASSICAL_TASK_NAMES.join(', ')}.`);
  const books = name === 'tang-next-line' ? undefined : await loadClassics();
  const poems = name === 'tang-next-line' || name === 'classical' ? await loadTang() : undefined;
  return classicalFamilies(name, { books, poems });
}
