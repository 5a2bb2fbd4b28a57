// Seeded mutations of a safetensors checkpoint for the reader's fuzz test: byte flips, truncation
// and length-field edits on the bytes, and edits of the header text (nesting, number tokens, keys,
// offsets, punctuation) that rewrite the length field to match. Each mutation says what it did, so
// a failing case can be read as well as replayed from its seed.
import { Rng } from '../../../src/util/rng';

export interface Mutated { bytes: Uint8Array; log: string[] }

const enc = new TextEncoder(), dec = new TextDecoder();

/** The header text (without padding decisions) and the data section of a well-formed file. */
function split(bytes: Uint8Array): { header: string; data: Uint8Array } | null {
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0 || 8 + n > bytes.length) return null;
  return { header: dec.decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

function join(header: string, data: Uint8Array): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Start and end of every match of `re` in `text`. */
function spans(text: string, re: RegExp): [number, number][] {
  return Array.from(text.matchAll(re), (m) => [m.index!, m.index! + m[0].length] as [number, number]);
}

const NUMBER_TOKENS = ['128.0', '1e2', '1E0', '-0', '-1', '0.5', '9007199254740992', '9007199254740991', '18446744073709551616',
  '01', '+1', '0x1', '"3"', 'null', 'true', '[]', '{}', '1e999', '00', '-', '1.', '.5'];
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__metadata__', '', 'dtype', 'shape', 'data_offsets',
  '\\ud800', '\\udc00x', '\\u0000', 'tabgpt.config', 'tabgpt.optimizer', 'optimizer.m.x'];
const METADATA_JSON = ['{"toString":1}', '{"__proto__":{"a":1}}', '[]', 'null', '1e309', '{"step":-1}', '{"step":1.5}', '{',
  '{"constructor":{"prototype":{}}}', '"x"', '{"vocabSize":1e400}'];

/** Text edits of the header; each returns the new header or null when it does not apply. */
const HEADER_EDITS: ((h: string, rng: Rng, log: string[]) => string | null)[] = [
  function nest(h, rng, log) {
    const at = pick(rng, spans(h, /:/g));
    if (!at) return null;
    const depth = pick(rng, [2, 50, 126, 127, 128, 129, 1000, 20_000]);
    const [open, close] = rng.next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
    const inner = open === '[' ? '' : '0';
    log.push(`nest ${depth} levels of ${open} at ${at[1]}`);
    // Replace the value after this colon up to the next , or } with the nested value.
    const end = h.slice(at[1]).search(/[,}]/);
    return h.slice(0, at[1]) + open.repeat(depth) + inner + close.repeat(depth) + h.slice(at[1] + (end < 0 ? 0 : end));
  },
  function number(h, rng, log) {
    const at = pick(rng, spans(h, /-?\d+(\.\d+)?([eE][+-]?\d+)?/g).filter(([s]) => !/[\w.]/.test(h[s - 1] ?? '')));
    if (!at) return null;
    const old = Number(h.slice(at[0], at[1]));
    const token = rng.next() < 0.3 ? String(Math.max(0, old + pick(rng, [-8, -4, -1, 1, 4, 8]))) : pick(rng, NUMBER_TOKENS);
    log.push(`number ${h.slice(at[0], at[1])} -> ${token} at ${at[0]}`);
    return h.slice(0, at[0]) + token + h.slice(at[1]);
  },
  function key(h, rng, log) {
    const at = pick(rng, spans(h, /"(?:[^"\\]|\\.)*"(?=:)/g));
    if (!at) return null;
    const name = rng.next() < 0.15 ? 'k'.repeat(pick(rng, [1024, 1025, 5000])) : rng.next() < 0.3 ? h.slice(...pick(rng, spans(h, /"(?:[^"\\]|\\.)*"(?=:)/g))).slice(1, -1) : pick(rng, KEYS);
    log.push(`key ${h.slice(at[0], at[1]).slice(0, 40)} -> "${name.slice(0, 40)}"`);
    return `${h.slice(0, at[0])}"${name}"${h.slice(at[1])}`;
  },
  function offsets(h, rng, log) {
    const at = pick(rng, spans(h, /"data_offsets":\[\d+,\d+\]/g));
    if (!at) return null;
    const a = rng.int(5000), b = a + rng.int(3000);
    log.push(`data_offsets -> [${a},${b}] at ${at[0]}`);
    return `${h.slice(0, at[0])}"data_offsets":[${a},${b}]${h.slice(at[1])}`;
  },
  function shape(h, rng, log) {
    const at = pick(rng, spans(h, /"shape":\[[\d,]*\]/g));
    if (!at) return null;
    const dims = Array.from({ length: rng.int(4) }, () => pick(rng, [0, 1, 2, 3, 8, 16, 2 ** 31, 2 ** 40]));
    log.push(`shape -> [${dims}] at ${at[0]}`);
    return `${h.slice(0, at[0])}"shape":[${dims}]${h.slice(at[1])}`;
  },
  function metadataJson(h, rng, log) {
    const at = pick(rng, spans(h, /"tabgpt\.(config|tokenizer|optimizer|data|rng|schedule)":"(?:[^"\\]|\\.)*"/g));
    if (!at) return null;
    const depth = rng.next() < 0.3 ? pick(rng, [63, 64, 65, 10_000]) : 0;
    const json = depth > 0 ? '['.repeat(depth) + ']'.repeat(depth) : pick(rng, METADATA_JSON);
    const keyEnd = h.indexOf(':', at[0]);
    log.push(`metadata ${h.slice(at[0], keyEnd)} -> ${depth > 0 ? `${depth} nested arrays` : json}`);
    return `${h.slice(0, keyEnd + 1)}${JSON.stringify(json)}${h.slice(at[1])}`;
  },
  function punctuation(h, rng, log) {
    const at = rng.int(h.length + 1);
    const what = rng.next() < 0.5 ? '' : pick(rng, ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\u0001', '\ufeff', 'é', '\ud83d\ude00']);
    const cut = rng.next() < 0.5 ? 1 : 0;
    log.push(`punctuation ${cut ? 'delete 1 and ' : ''}insert ${JSON.stringify(what)} at ${at}`);
    return h.slice(0, at) + what + h.slice(at + cut);
  },
  function entry(h, rng, log) {
    const entries = spans(h, /"(?:[^"\\]|\\.)*":\{"dtype":"[^"]*","shape":\[[\d,]*\],"data_offsets":\[\d+,\d+\]\}/g);
    const at = pick(rng, entries);
    if (!at) return null;
    const text = h.slice(at[0], at[1]);
    const how = pick(rng, ['duplicate', 'remove', 'extra-field', 'dtype']);
    log.push(`entry ${how} ${text.slice(0, 30)}`);
    if (how === 'duplicate') return `${h.slice(0, at[1])},${text}${h.slice(at[1])}`;
    if (how === 'remove') return h.slice(0, at[0]) + h.slice(at[1] + (h[at[1]] === ',' ? 1 : 0));
    if (how === 'extra-field') return `${h.slice(0, at[1] - 1)},"extra":{"a":[1.5,-0,"x"]}${h.slice(at[1] - 1)}`;
    return h.slice(0, at[0]) + text.replace(/"dtype":"[^"]*"/, `"dtype":"${pick(rng, ['F16', 'BF16', 'F64', 'U8', 'I64', 'F4', 'f32', 'C64', 'toString'])}"`) + h.slice(at[1]);
  },
];

/** Edits of the raw bytes. */
const BYTE_EDITS: ((b: Uint8Array, rng: Rng, log: string[]) => Uint8Array)[] = [
  function flip(b, rng, log) {
    const out = b.slice();
    const headerEnd = Math.min(out.length, 8 + new DataView(out.buffer).getUint32(0, true));
    for (let k = 1 + rng.int(4); k > 0; k--) {
      const at = rng.next() < 0.8 && headerEnd > 0 ? rng.int(headerEnd) : rng.int(out.length);
      const bit = 1 << rng.int(8);
      out[at] ^= bit;
      log.push(`flip bit ${bit} of byte ${at}`);
    }
    return out;
  },
  function truncate(b, rng, log) {
    const keep = rng.next() < 0.5 ? rng.int(b.length) : b.length - 1 - rng.int(Math.min(16, b.length));
    log.push(`truncate to ${keep} bytes`);
    return b.slice(0, keep);
  },
  function extend(b, rng, log) {
    const extra = 1 + rng.int(16);
    log.push(`append ${extra} bytes`);
    const out = new Uint8Array(b.length + extra);
    out.set(b);
    for (let i = b.length; i < out.length; i++) out[i] = rng.int(256);
    return out;
  },
  function lengthField(b, rng, log) {
    const out = b.slice();
    const view = new DataView(out.buffer);
    const old = view.getUint32(0, true);
    const next = pick(rng, [old + 1, old - 1, old + 8, 0, 7, 100_000_001, 2 ** 32 - 1, old + rng.int(64) - 32]);
    view.setUint32(0, next >>> 0, true);
    if (rng.next() < 0.2) view.setUint32(4, 1 + rng.int(255), true);
    log.push(`length field ${old} -> ${next >>> 0}${view.getUint32(4, true) ? ' with high bits' : ''}`);
    return out;
  },
];

/** One to three mutations of `base`, chosen by `seed`. */
export function mutate(base: Uint8Array, seed: number): Mutated {
  const rng = new Rng(seed);
  const log: string[] = [];
  let bytes = base;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const parts = split(bytes);
    if (parts && rng.next() < 0.7) {
      const edit = pick(rng, HEADER_EDITS);
      const header = edit(parts.header, rng, log);
      if (header !== null) bytes = join(header, parts.data);
    } else {
      bytes = pick(rng, BYTE_EDITS)(bytes, rng, log);
    }
  }
  return { bytes, log };
}
