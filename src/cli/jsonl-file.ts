// Reading a JSONL dataset file for a headless stage: parse it with the given parser
// (src/data/chat/jsonl.ts), list its bad lines, and refuse it unless the user said to skip them.
import { readFileSync } from 'node:fs';
import { describeProblems } from '../data/chat/jsonl';

export function readJsonl<T>(path: string, parse: (text: string) => { records: T[]; problems: { line: number; reason: string }[] }, skipBad: boolean | undefined): T[] {
  const { records, problems } = parse(readFileSync(path, 'utf8'));
  if (problems.length > 0) {
    console.log(`${path}: ${problems.length} bad line(s), ${records.length} good:\n${describeProblems(problems)}`);
    if (!skipBad) throw new Error(`Fix the lines above, or pass --skip-bad-lines to train on the ${records.length} good ones.`);
  }
  return records;
}
