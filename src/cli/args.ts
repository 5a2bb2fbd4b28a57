// A small, strict command-line parser: --name value and --flag, unknown options rejected.
export type ArgSpec = Record<string, { kind: 'string' | 'number' | 'flag'; help: string }>;

export function parseArgs<S extends ArgSpec>(argv: string[], spec: S): { [K in keyof S]?: S[K]['kind'] extends 'number' ? number : S[K]['kind'] extends 'flag' ? boolean : string } {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`Unexpected argument "${a}". Options start with --; see --help.`);
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    const s = spec[name];
    if (!s) throw new Error(`Unknown option --${name}. See --help.`);
    if (s.kind === 'flag') { out[name] = true; continue; }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`Option --${name} needs a value.`);
    if (s.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`Option --${name} needs a number, got "${value}".`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as never;
}

export function helpText(spec: ArgSpec): string {
  return Object.entries(spec).map(([k, s]) => `  --${k}${s.kind === 'flag' ? '' : ` <${s.kind}>`}`.padEnd(28) + s.help).join('\n');
}
