// The strict schema of a share link: every key it may carry, its type and its allowed range.
// The UI's number inputs take their min/max from here too, so a link can never hold a value the
// form would refuse. Pure data plus one value parser; the fragment syntax lives in codec.ts.
import { CORPUS_NAMES } from '../data/corpora';
import { PRESET_NAMES, STAGES, TOKENIZERS } from './settings';

export type FieldSpec =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'num'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' }
  | { kind: 'str'; maxLength: number };

const int = (min: number, max: number): FieldSpec => ({ kind: 'int', min, max });
const num = (min: number, max: number): FieldSpec => ({ kind: 'num', min, max });
const oneOf = (values: readonly string[]): FieldSpec => ({ kind: 'enum', values });
const BOOL: FieldSpec = { kind: 'bool' };

/** Longest pasted training text a link may carry (characters, after decoding). */
export const MAX_LINK_TEXT = 4000;
/** Longest sampling prompt (characters). */
export const MAX_PROMPT = 500;

export const MODEL_FIELDS = {
  vocabSize: int(2, 65536),
  nLayer: int(1, 48),
  nHead: int(1, 64),
  nKvHead: int(1, 64),
  dModel: int(4, 4096),
  contextLength: int(1, 4096),
  norm: oneOf(['layernorm', 'rmsnorm']),
  positions: oneOf(['learned', 'rope']),
  mlp: oneOf(['gelu', 'swiglu']),
  tiedEmbeddings: BOOL,
  bias: BOOL,
} as const satisfies Record<string, FieldSpec>;

export const TRAIN_FIELDS = {
  lr: num(1e-7, 1),
  steps: int(1, 1_000_000),
  batch: int(1, 1024),
  warmup: int(0, 100_000),
  weightDecay: num(0, 1),
  gradClip: num(0, 100),
  seed: int(0, 2 ** 31 - 1),
  evalEvery: int(1, 100_000),
} as const satisfies Record<string, FieldSpec>;

export const SAMPLE_FIELDS = {
  prompt: { kind: 'str', maxLength: MAX_PROMPT },
  temperature: num(0, 5),
  topK: int(0, 65536),
  topP: num(0.01, 1),
  maxTokens: int(1, 4096),
} as const satisfies Record<string, FieldSpec>;

export const OTHER_FIELDS = {
  v: int(1, 1),
  preset: oneOf(PRESET_NAMES),
  stage: oneOf(STAGES),
  data: oneOf(['builtin', 'text']),
  corpus: oneOf(CORPUS_NAMES),
  text: { kind: 'str', maxLength: MAX_LINK_TEXT },
  tokenizer: oneOf(TOKENIZERS),
} as const satisfies Record<string, FieldSpec>;

export type ModelKey = keyof typeof MODEL_FIELDS;
export type TrainKey = keyof typeof TRAIN_FIELDS;
export type SampleKey = keyof typeof SAMPLE_FIELDS;
export type LinkKey = ModelKey | TrainKey | SampleKey | keyof typeof OTHER_FIELDS;

/** A Map, not an object: lookups can never reach Object.prototype (`__proto__`, `constructor`). */
export const LINK_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  ...Object.entries(OTHER_FIELDS), ...Object.entries(MODEL_FIELDS), ...Object.entries(TRAIN_FIELDS), ...Object.entries(SAMPLE_FIELDS),
]);

export const isLinkKey = (k: string): k is LinkKey => LINK_FIELDS.has(k);

const INT_RE = /^-?\d{1,10}$/;
const NUM_RE = /^-?(?:\d{1,12}(?:\.\d{0,12})?|\.\d{1,12})(?:e[+-]?\d{1,3})?$/i;

/** Parses one decoded value against its spec: the typed value, or a message saying what is wrong. */
export function parseValue(key: string, spec: FieldSpec, raw: string): { value: number | string | boolean } | { error: string } {
  switch (spec.kind) {
    case 'int': {
      const n = INT_RE.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n)) return { error: `"${key}" must be a whole number.` };
      if (n < spec.min || n > spec.max) return { error: `"${key}" must be from ${spec.min} to ${spec.max}.` };
      return { value: n };
    }
    case 'num': {
      const n = NUM_RE.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { error: `"${key}" must be a number.` };
      if (n < spec.min || n > spec.max) return { error: `"${key}" must be from ${spec.min} to ${spec.max}.` };
      return { value: n };
    }
    case 'enum':
      return spec.values.includes(raw) ? { value: raw } : { error: `"${key}" must be one of ${spec.values.join(', ')}.` };
    case 'bool':
      return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { error: `"${key}" must be true or false.` };
    case 'str':
      if (raw.length > spec.maxLength) return { error: `"${key}" is longer than ${spec.maxLength} characters.` };
      // Control characters other than tab and newline have no place in a prompt or a text.
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(raw)) return { error: `"${key}" contains control characters.` };
      return { value: raw };
  }
}
