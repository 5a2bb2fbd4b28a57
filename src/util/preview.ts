// A short, bounded description of any value for an error message. Values in messages often come
// from files a person loaded (a checkpoint, a tokenizer.json, a JSONL line), and JSON.stringify of
// such a value can be megabytes long or, for deeply nested arrays, overflow the stack. This writes
// JSON-like text, stops after `max` characters and never descends more than a few levels.
// Does not escape for HTML: callers show messages as text.

/** Levels of arrays/objects written out; deeper ones show as […] or {…}. */
const MAX_LEVELS = 4;

/** At most `max` characters (the last an ellipsis when cut): `"abc"`, `[1,2]`, `{"a":[…]}`, `undefined`. */
export function preview(value: unknown, max = 60): string {
  const text = write(value, MAX_LEVELS, max + 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Writes `v` using roughly `budget` characters; the caller cuts the result to its final length. */
function write(v: unknown, levels: number, budget: number): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
    case 'number': case 'boolean': return String(v);
    case 'bigint': return `${v}n`;
    case 'undefined': return 'undefined';
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    if (levels === 0) return v.length === 0 ? '[]' : '[…]';
    let out = '[';
    let i = 0;
    for (; i < v.length && out.length < budget; i++) out += (i > 0 ? ',' : '') + write(v[i], levels - 1, budget - out.length);
    return `${out}${i < v.length ? ',…' : ''}]`;
  }
  if (levels === 0) return '{…}';
  let out = '{';
  let first = true;
  // for…in rather than Object.keys: stops early on an object with millions of keys.
  for (const k in v as object) {
    if (!Object.hasOwn(v as object, k)) continue;
    if (out.length >= budget) { out += ',…'; break; }
    out += `${first ? '' : ','}${write(k, 0, budget - out.length)}:${write((v as Record<string, unknown>)[k], levels - 1, budget - out.length)}`;
    first = false;
  }
  return `${out}}`;
}
