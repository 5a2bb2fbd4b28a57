// Reads the JSON header of a safetensors file into tensor entries and metadata, with the reference
// parser's rules (huggingface/safetensors: serde_json into HashMap<String, TensorInfo> plus an
// optional "__metadata__" HashMap<String, String>) and fixed caps, so that no header can make the
// reader recurse, or allocate in proportion to a count it chose:
//   - shape and data_offsets hold JSON integers as the reference's usize does: digits only, no sign,
//     fraction or exponent (128.0, 128e0, -0 and -1 are refused), at most 2^53 - 1 here (the
//     reference allows up to 2^64 - 1, which no file a browser can hold reaches);
//   - keys other than dtype, shape and data_offsets in a tensor entry are ignored, as the
//     reference ignores them, after a syntax and depth check that keeps nothing of them;
//   - a repeated key in the header, a tensor entry or the metadata is refused (JSON.parse and the
//     reference would keep the last);
//   - caps: MAX_HEADER_DEPTH, MAX_TENSORS, MAX_TENSOR_NAME, MAX_METADATA_ENTRIES.
// Does not check tensors against each other or against the byte buffer: that is safetensors.ts.
import { JsonCursor, JsonDepthError, JsonSyntaxError } from './json-cursor';
import { CheckpointError, type CheckpointErrorCode } from './safetensors-errors';
import { DTYPES, isDtype, type Dtype } from './safetensors-dtypes';

/** Nesting cap. The format needs 3 levels (header, tensor entry, shape); deeper values can only sit
 *  under keys it ignores. serde_json, which the reference uses, stops at the same depth. */
export const MAX_HEADER_DEPTH = 128;
/** Tensor cap. TabGPT's largest model (256 layers) with optimizer moments has about 9,300. */
export const MAX_TENSORS = 65_536;
/** Tensor name cap, in UTF-16 code units. TabGPT's longest names are under 60. */
export const MAX_TENSOR_NAME = 1_024;
/** Metadata entry cap. TabGPT writes 9 at most; other tools a handful. */
export const MAX_METADATA_ENTRIES = 4_096;
export const METADATA_KEY = '__metadata__';

export interface TensorEntry { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }

export interface Header {
  tensors: TensorEntry[];
  /** Null-prototype: a key such as "constructor" or "__proto__" is just a key. */
  metadata: Record<string, string>;
}

function fail(code: CheckpointErrorCode, message: string): never {
  throw new CheckpointError(code, message);
}

/** A tensor name or key for a message: quoted, escaped, cut to 80 characters. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 79)}…` : name);
}

/** A shape for a message: at most 8 dimensions written out. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.slice(0, 8).join(', ')}${shape.length > 8 ? `, … (${shape.length} dimensions)` : ''}]`;
}

/** Parses and checks the header text (the UTF-8 already decoded). */
export function readHeader(text: string): Header {
  const c = new JsonCursor(text, MAX_HEADER_DEPTH);
  try {
    return readRoot(c);
  } catch (e) {
    if (e instanceof JsonSyntaxError) fail('header-json', `The header is not valid JSON: ${e.message} (at character ${e.at}); the file is corrupt or not a safetensors file.`);
    if (e instanceof JsonDepthError) fail('header-nesting', `The header nests arrays or objects more than ${e.maxDepth} levels deep (at character ${e.at}); a safetensors header needs 3, so the file is corrupt or was made to attack readers.`);
    throw e;
  }
}

function readRoot(c: JsonCursor): Header {
  if (c.peek() !== 0x7b) {
    const shown = rawValue(c, 0);
    c.end();
    fail('header-not-object', `The header must be a JSON object, but it is ${shown}; the file is not a safetensors file.`);
  }
  const keys = new Set<string>();
  const tensors: TensorEntry[] = [];
  let metadata: Record<string, string> = Object.create(null);
  c.readObject(1, (key) => {
    if (keys.has(key)) fail('duplicate-key', `The header contains the key ${quoteName(key)} more than once; the file is corrupt.`);
    if (key === METADATA_KEY) { keys.add(key); metadata = readMetadata(c); return; }
    if (tensors.length === MAX_TENSORS)
      fail('too-many-tensors', `The header lists more than ${MAX_TENSORS} tensors, more than this reader accepts (TabGPT's largest model has about 9,300); the file is corrupt or not a model checkpoint.`);
    if (key.length > MAX_TENSOR_NAME)
      fail('tensor-name', `A tensor name is ${key.length} characters long (${quoteName(key)}); names may be at most ${MAX_TENSOR_NAME}, so the file is corrupt or not a model checkpoint.`);
    keys.add(key);
    tensors.push(readTensorEntry(c, key));
  });
  c.end();
  return { tensors, metadata };
}

function readMetadata(c: JsonCursor): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null);
  const next = c.peek();
  if (next === 0x6e /* n */) { rawValue(c, 1); return metadata; } // null: no metadata, as in the reference
  if (next !== 0x7b) fail('metadata', `"${METADATA_KEY}" must be an object of strings, but it is ${rawValue(c, 1)}; the file is corrupt.`);
  let count = 0;
  c.readObject(2, (key) => {
    if (Object.hasOwn(metadata, key)) fail('duplicate-key', `The header's "${METADATA_KEY}" contains the key ${quoteName(key)} more than once; the file is corrupt.`);
    if (++count > MAX_METADATA_ENTRIES) fail('metadata', `"${METADATA_KEY}" has more than ${MAX_METADATA_ENTRIES} entries, more than this reader accepts; the file is corrupt or not a model checkpoint.`);
    if (c.peek() !== 0x22) fail('metadata', `"${METADATA_KEY}" value for ${quoteName(key)} must be a string, got ${rawValue(c, 2)}; the file is corrupt.`);
    metadata[key] = c.readString();
  });
  return metadata;
}

function readTensorEntry(c: JsonCursor, name: string): TensorEntry {
  const what = `Tensor ${quoteName(name)}`;
  if (c.peek() !== 0x7b)
    fail('tensor-info', `${what} must be described by an object with dtype, shape and data_offsets, but it is ${rawValue(c, 1)}; the file is corrupt.`);
  let dtype: Dtype | undefined, shape: number[] | undefined, offsets: number[] | undefined;
  const seen = new Set<string>();
  c.readObject(2, (key) => {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') { c.skipValue(2); return; }
    if (seen.has(key)) fail('duplicate-key', `${what} has the key "${key}" more than once; the file is corrupt.`);
    seen.add(key);
    if (key === 'dtype') dtype = readDtype(c, what);
    else if (key === 'shape') shape = readIntegers(c, 'shape', `${what} has shape`, 'it must be an array of non-negative integers');
    else offsets = readIntegers(c, 'data-offsets', `${what} has data_offsets`, 'it must be [begin, end] with integers 0 <= begin <= end');
  });
  if (dtype === undefined) fail('dtype', `${what} has no dtype; the file is corrupt.`);
  if (shape === undefined) fail('shape', `${what} has no shape; the file is corrupt.`);
  if (offsets === undefined) fail('data-offsets', `${what} has no data_offsets; the file is corrupt.`);
  if (!Number.isSafeInteger(shape.reduce((n, d) => n * d, 1)))
    fail('shape', `${what} has shape ${shapeText(shape)}, whose element count exceeds 2^53 - 1; the file is corrupt.`);
  if (offsets.length !== 2 || offsets[0] > offsets[1])
    fail('data-offsets', `${what} has data_offsets [${offsets.join(', ')}]; it must be [begin, end] with integers 0 <= begin <= end.`);
  return { name, dtype, shape, begin: offsets[0], end: offsets[1] };
}

function readDtype(c: JsonCursor, what: string): Dtype {
  const start = c.pos;
  const dtype = c.peek() === 0x22 ? c.readString() : undefined;
  if (dtype === undefined || !isDtype(dtype)) {
    c.pos = start;
    fail('dtype', `${what} has dtype ${rawValue(c, 2)}, which is unknown or not supported here (supported: ${Object.keys(DTYPES).join(', ')}).`);
  }
  return dtype;
}

/** An array of JSON integer tokens (digits only) up to 2^53 - 1, as the reference's Vec<usize>. */
function readIntegers(c: JsonCursor, code: CheckpointErrorCode, what: string, rule: string): number[] {
  const start = c.pos;
  if (c.peek() !== 0x5b) fail(code, `${what} ${rawValue(c, 2)}; ${rule}.`);
  const out: number[] = [];
  c.readArray(3, () => {
    const first = c.peek();
    const token = first === 0x2d || (first >= 0x30 && first <= 0x39) ? c.readNumberToken() : '';
    const valid = /^(0|[1-9][0-9]*)$/.test(token) && Number.isSafeInteger(Number(token));
    if (!valid) {
      const item = token || rawValue(c, 3);
      c.pos = start;
      const why = token === '' ? `${item} is not a number`
        : /^-?(0|[1-9][0-9]*)$/.test(token) && !token.startsWith('-') ? `${item} is larger than 2^53 - 1`
          : `${item} is not written as a non-negative integer (no sign, fraction or exponent)`;
      fail(code, `${what} ${rawValue(c, 2)}: ${why}; ${rule}. The file is corrupt or was not written by a safetensors writer.`);
    }
    out.push(Number(token));
  });
  return out;
}

/** Skips the next value and returns its text as written, cut to 40 characters. */
function rawValue(c: JsonCursor, depth: number): string {
  c.peek();
  const start = c.pos;
  c.skipValue(depth);
  const raw = c.text.slice(start, Math.min(c.pos, start + 41));
  return raw.length > 40 ? `${raw.slice(0, 39)}…` : raw;
}
