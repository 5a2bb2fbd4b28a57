// JSONL datasets for post-training, read line by line. A bad line never aborts the read: it is
// reported with its 1-based line number and a reason, and the caller decides whether to continue
// with the good records (the app asks the user). Blank lines are skipped silently.
//   SFT:   {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]}
//          {"prompt": "...", "completion": "..."}
//   pairs: {"prompt": "..." | messages, "chosen": "..." | messages, "rejected": "..." | messages}
//          {"chosen": messages, "rejected": messages}   (each side a whole conversation)
// Other keys on a line (ids, sources) are ignored. Does not tokenize or render (template.ts does).
import { preview } from '../../util/preview';
import { ROLES, type ChatExample, type ChatMessage, type PreferencePair, type Role } from './types';

export interface LineProblem {
  line: number;
  reason: string;
}

export interface JsonlResult<T> {
  records: T[];
  /** Line number of each record, parallel to records (for messages that point back into the file). */
  lines: number[];
  problems: LineProblem[];
}

class LineError extends Error {}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function readLines<T>(text: string, parse: (value: Record<string, unknown>) => T): JsonlResult<T> {
  const out: JsonlResult<T> = { records: [], lines: [], problems: [] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  body.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      out.problems.push({ line: i + 1, reason: `not valid JSON (${(e as Error).message})` });
      return;
    }
    try {
      if (!isObject(value)) throw new LineError(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
      out.records.push(parse(value));
      out.lines.push(i + 1);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      out.problems.push({ line: i + 1, reason: e.message });
    }
  });
  return out;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new LineError(`${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

function messages(value: unknown, what: string): ChatMessage[] {
  if (!Array.isArray(value)) throw new LineError(`${what} must be an array of messages`);
  if (value.length === 0) throw new LineError(`${what} is empty`);
  return value.map((m, k) => {
    const where = `${what}[${k}]`;
    if (!isObject(m)) throw new LineError(`${where} must be an object with "role" and "content"`);
    if (!ROLES.includes(m.role as Role)) throw new LineError(`${where} has role ${preview(m.role)}; expected system, user or assistant`);
    return { role: m.role as Role, content: text(m.content, `${where}.content`) };
  });
}

function requireAssistant(msgs: ChatMessage[], what: string): void {
  if (!msgs.some((m) => m.role === 'assistant')) throw new LineError(`${what} has no assistant message, so there is nothing to learn`);
}

function parseSft(v: Record<string, unknown>): ChatExample {
  if (Object.hasOwn(v, 'messages')) {
    const msgs = messages(v.messages, 'messages');
    requireAssistant(msgs, 'messages');
    return { messages: msgs };
  }
  if (Object.hasOwn(v, 'prompt') || Object.hasOwn(v, 'completion')) {
    return { messages: [{ role: 'user', content: text(v.prompt, 'prompt') }, { role: 'assistant', content: text(v.completion, 'completion') }] };
  }
  throw new LineError('expected "messages", or "prompt" and "completion"');
}

/** One side of a pair: a reply string after the prompt, or a whole conversation (the prompt, if
 *  given, goes first). It must end with the assistant reply being scored. */
function side(prompt: ChatMessage[], value: unknown, what: string): ChatMessage[] {
  const msgs = typeof value === 'string' ? [...prompt, { role: 'assistant' as const, content: value }] : [...prompt, ...messages(value, what)];
  if (msgs[msgs.length - 1].role !== 'assistant') throw new LineError(`${what} must end with an assistant message (the reply being compared)`);
  return msgs;
}

function parsePair(v: Record<string, unknown>): PreferencePair {
  if (!Object.hasOwn(v, 'chosen') || !Object.hasOwn(v, 'rejected')) throw new LineError('expected "chosen" and "rejected"');
  let prompt: ChatMessage[] = [];
  if (v.prompt !== undefined) prompt = typeof v.prompt === 'string' ? [{ role: 'user', content: v.prompt }] : messages(v.prompt, 'prompt');
  else if (typeof v.chosen === 'string' || typeof v.rejected === 'string') throw new LineError('a reply given as a string needs a "prompt"');
  const pair = { chosen: side(prompt, v.chosen, 'chosen'), rejected: side(prompt, v.rejected, 'rejected') };
  if (JSON.stringify(pair.chosen) === JSON.stringify(pair.rejected)) throw new LineError('chosen and rejected are the same conversation');
  return pair;
}

export function parseSftJsonl(text: string): JsonlResult<ChatExample> {
  return readLines(text, parseSft);
}

export function parsePairsJsonl(text: string): JsonlResult<PreferencePair> {
  return readLines(text, parsePair);
}

/** "line 3: not valid JSON (...)", one per line, at most `max` lines plus a count of the rest. */
export function describeProblems(problems: readonly LineProblem[], max = 10): string {
  const shown = problems.slice(0, max).map((p) => `line ${p.line}: ${p.reason}`);
  if (problems.length > max) shown.push(`... and ${problems.length - max} more`);
  return shown.join('\n');
}
