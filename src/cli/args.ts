// The headless runner's command line: options are declared once (kind, range or choices, what a
// path is for) and parsed with Node's util.parseArgs in strict mode, so `--key value` and
// `--key=value` both work and anything unknown, repeated or out of range is refused with a message
// that names the option. Checks that need the file system (paths, checkpoints) are preflight.ts's;
// this module never touches files.
import { parseArgs as nodeParseArgs } from 'node:util';

/** What a path option names: a file to read, a checkpoint (of these stages) to read, or a file to write. */
export type PathRole = 'input' | 'output' | { checkpoint: readonly string[] };

export type OptionSpec =
  | { kind: 'flag'; help: string }
  | { kind: 'string'; help: string; choices?: readonly string[]; path?: PathRole }
  /** `min` and `max` are inclusive; `integer` refuses fractions (exponents such as 1e3 are fine). */
  | { kind: 'number'; help: string; min: number; max: number; integer?: boolean };

export type ArgSpec = Record<string, OptionSpec>;

export type ArgValues<S extends ArgSpec> = {
  [K in keyof S]?: S[K]['kind'] extends 'number' ? number : S[K]['kind'] extends 'flag' ? boolean : string
};

export type ParsedArgs = Record<string, string | number | boolean | undefined>;

/** Exactly the decimal forms a person types: 12, -3, 0.5, .5, 3e-4, 1E6 (not 0x10, '', Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * The stage named by --stage (or `fallback`) and whether --help (or -h) was given, read before the stage's
 * own options are known. Everything else is left for parseOptions, which checks it strictly.
 */
export function peekStage(argv: readonly string[], fallback: string): { stage: string; help: boolean } {
  const { values } = nodeParseArgs({
    args: [...argv], strict: false, allowPositionals: true,
    options: { stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const stage = values.stage;
  return { stage: typeof stage === 'string' ? stage : fallback, help: values.help === true };
}

/** Turns util.parseArgs's strict-mode errors into this runner's messages, naming the option. */
function explain(e: unknown, context: string, elsewhere: (name: string) => string[]): Error {
  const err = e as { code?: string; message?: string };
  const quoted = /'([^']*)'/.exec(err.message ?? '')?.[1] ?? '';
  const name = quoted.replace(/ <value>$/, '');
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const owners = name.startsWith('--') ? elsewhere(name.slice(2)) : [];
      return new Error(`Unknown option ${name} for ${context}.`
        + (owners.length ? ` It belongs to --stage ${orList(owners)}.` : '') + ' See --help.');
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new Error(`Unexpected argument "${quoted}": options start with -- (see --help).`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message ?? '')) return new Error(`${name} is a switch and takes no value.`);
      if (/ambiguous/.test(err.message ?? '')) return new Error(`${name} needs a value; to give one that starts with "-", write ${name}=VALUE.`);
      return new Error(`${name} needs a value.`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

function checkNumber(name: string, raw: string, s: Extract<OptionSpec, { kind: 'number' }>): number {
  const n = Number(raw);
  if (!DECIMAL.test(raw.trim()) || !Number.isFinite(n)) throw new Error(`--${name} needs a number, got "${raw}".`);
  if (s.integer && !Number.isInteger(n)) throw new Error(`--${name} needs a whole number, got "${raw}".`);
  if (n < s.min || n > s.max) throw new Error(`--${name} must be between ${s.min} and ${s.max}, got ${raw}.`);
  return n;
}

/**
 * Parses `argv` against `spec` strictly: unknown options, positional arguments, repeated options,
 * values of the wrong type and out-of-range numbers are refused. `context` names the stage in
 * messages; `elsewhere(name)` lists other stages that know an option this one does not.
 */
export function parseOptions<S extends ArgSpec>(argv: readonly string[], spec: S, context: string,
  elsewhere: (name: string) => string[] = () => []): ArgValues<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, { type: s.kind === 'flag' ? 'boolean' as const : 'string' as const }]));
  const strictParse = () => nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals: false, tokens: true });
  let parsed: ReturnType<typeof strictParse>;
  try {
    parsed = strictParse();
  } catch (e) {
    throw explain(e, context, elsewhere);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new Error(`--${t.name} is given more than once.`);
    seen.add(t.name);
  }
  const out: ParsedArgs = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const s = spec[name];
    if (s.kind === 'flag') { out[name] = value as boolean; continue; }
    const raw = value as string;
    if (s.kind === 'number') { out[name] = checkNumber(name, raw, s); continue; }
    if (s.choices && !s.choices.includes(raw)) throw new Error(`--${name} must be ${orList(s.choices)}, got "${raw}".`);
    if (s.path && raw === '') throw new Error(`--${name} needs a file path, got "".`);
    out[name] = raw;
  }
  return out as ArgValues<S>;
}

function placeholder(s: OptionSpec): string {
  if (s.kind === 'flag') return '';
  if (s.kind === 'number') return ` <${s.integer ? 'int' : 'number'} ${s.min}..${s.max}>`;
  if (s.choices) return ` <${s.choices.join('|')}>`;
  return s.path ? ' <file>' : ' <text>';
}

/** One line per option: its name, the value it takes (range or choices, from the spec) and its help. */
export function helpText(spec: ArgSpec): string {
  return Object.entries(spec).map(([k, s]) => {
    const head = `  --${k}${placeholder(s)}`;
    return head.length < 36 ? head.padEnd(36) + s.help : `${head}\n${' '.repeat(36)}${s.help}`;
  }).join('\n');
}
