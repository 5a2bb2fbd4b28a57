// Share-link codec. A demo configuration travels in the URL fragment (never sent to a server) as
// query-style pairs, readable and editable by hand:
//
//   #v=1&preset=tiny&nLayer=4&steps=200&lr=0.003&data=text&text=to%20be%20or%20not&prompt=to%20be
//
// Keys, types and ranges are in schema.ts (the whole list: v, preset, stage, data, corpus, text, tokenizer,
// the model fields of src/model/config.ts, the training fields lr/steps/batch/warmup/weightDecay/
// gradClip/seed/evalEvery and the sampling fields prompt/temperature/topK/topP/maxTokens).
// Values are percent-encoded with encodeURIComponent; '+' is a literal plus, not a space.
// Parsing is strict: an unknown, repeated or prototype-shaped key, a malformed number, a value out
// of range, an oversize string or fragment rejects the WHOLE link with readable messages, and
// nothing is applied. Parsed values are data only: the UI shows them through Lit text bindings and
// form properties, never as HTML, and nothing in a link starts a run by itself.
import type { ModelConfig } from '../model/config';
import type { CorpusName } from '../data/corpora';
import type { PresetName, SampleSettings, StageId, TokenizerKind, TrainSettings } from './settings';
import { LINK_FIELDS, type ModelKey, parseValue } from './schema';

/** Longest fragment accepted, in characters as it appears in the address bar. */
export const MAX_FRAGMENT = 8192;

export interface DemoLink extends Partial<Pick<ModelConfig, ModelKey>>, Partial<TrainSettings>, Partial<SampleSettings> {
  v?: number;
  preset?: PresetName;
  stage?: StageId;
  data?: 'builtin' | 'text';
  corpus?: CorpusName;
  text?: string;
  tokenizer?: TokenizerKind;
}

export type ParseResult = { ok: true; link: DemoLink } | { ok: false; errors: string[] };

/** Keys that would touch an object's prototype chain if anyone ever used them as property names. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Parses `location.hash` (with or without the leading '#'). An empty fragment is an empty link. */
export function parseFragment(hash: string): ParseResult {
  const frag = hash.startsWith('#') ? hash.slice(1) : hash;
  if (frag.length > MAX_FRAGMENT)
    return { ok: false, errors: [`The link is too long (${frag.length} characters; at most ${MAX_FRAGMENT}).`] };
  const values = new Map<string, number | string | boolean>();
  const errors: string[] = [];
  for (const part of frag.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) { errors.push(`"${clip(part)}" is not a key=value pair.`); continue; }
    let key: string;
    let raw: string;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      raw = decodeURIComponent(part.slice(eq + 1));
    } catch {
      errors.push(`"${clip(part)}" is not valid percent-encoding.`);
      continue;
    }
    if (FORBIDDEN.has(key)) { errors.push(`The key "${key}" is not allowed.`); continue; }
    const spec = LINK_FIELDS.get(key);
    if (!spec) { errors.push(`Unknown setting "${clip(key)}".`); continue; }
    if (values.has(key)) { errors.push(`"${key}" appears more than once.`); continue; }
    if (raw === '' && spec.kind !== 'str') { errors.push(`"${key}" has no value.`); continue; }
    const parsed = parseValue(key, spec, raw);
    if ('error' in parsed) errors.push(parsed.error);
    else values.set(key, parsed.value);
  }
  if (errors.length > 0) return { ok: false, errors };
  // Keys are known schema names (checked above), so this builds a plain object of own data fields.
  const link: Record<string, unknown> = {};
  for (const [k, v] of values) link[k] = v;
  return { ok: true, link: link as DemoLink };
}

/** Encodes a link in schema order, `v=1` first. Only the fields present in `link` are written. */
export function encodeFragment(link: DemoLink): string {
  const fields = { ...link, v: 1 } as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of LINK_FIELDS.keys()) {
    const v = fields[key];
    if (v === undefined) continue;
    parts.push(`${key}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}
