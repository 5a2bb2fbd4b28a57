// safetensors reader and writer (https://github.com/huggingface/safetensors, format section):
//   [u64 little-endian N][N bytes UTF-8 JSON header][byte buffer]
// The header maps tensor names to { dtype, shape, data_offsets: [begin, end] } (offsets relative to
// the byte buffer) plus an optional "__metadata__" map of strings to strings. The reader accepts what
// the reference parser accepts and rejects the rest with a specific CheckpointError; the writer
// produces the bytes the reference writer produces (compact JSON, "__metadata__" first, header
// padded with spaces to a multiple of 8 bytes, tensors in the reference order, so each is aligned).
// Typed arrays use the platform byte order; safetensors and every platform with WebGPU are
// little-endian. Does not know about TabGPT's metadata: that is codec.ts.
import { CheckpointError, type CheckpointErrorCode } from './safetensors-errors';
import { DTYPES, dtypeRank, dtypeSize, isDtype, type Dtype, type TensorArray } from './safetensors-dtypes';
import { findDuplicateKey } from './safetensors-json';

/** The reference parser's cap on the header length (safetensors MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

export interface TensorInput {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
  /** Exactly product(shape) elements, in the typed array DTYPES[dtype] names. */
  data: TensorArray;
}

export interface DecodedTensor {
  dtype: Dtype;
  shape: number[];
  /** A view into the decoded bytes when its offset is a multiple of the element size (always, for
   *  files this module writes read into a fresh buffer), otherwise an aligned copy. */
  data: TensorArray;
}

export interface Safetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

function fail(code: CheckpointErrorCode, message: string): never {
  throw new CheckpointError(code, message);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function isShape(shape: unknown): shape is number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return false;
  return Number.isSafeInteger(elementCount(shape));
}

/** Deterministic: the same tensors and metadata always give the same bytes, whatever their order. */
export function encodeSafetensors(tensors: readonly TensorInput[], metadata: Record<string, string> = {}): Uint8Array {
  const names = new Set<string>();
  for (const t of tensors) {
    const what = `Cannot write tensor "${t.name}":`;
    if (t.name === '' || t.name === METADATA_KEY) fail('encode', `${what} the name is reserved or empty.`);
    if (names.has(t.name)) fail('encode', `${what} two tensors have this name.`);
    names.add(t.name);
    if (!isDtype(t.dtype)) fail('encode', `${what} unknown dtype ${String(t.dtype)}.`);
    if (!isShape(t.shape)) fail('encode', `${what} shape [${t.shape.join(', ')}] is not a list of non-negative integers.`);
    if (!(t.data instanceof DTYPES[t.dtype])) fail('encode', `${what} dtype ${t.dtype} needs a ${DTYPES[t.dtype].name}, got a ${t.data.constructor.name}.`);
    if (t.data.length !== elementCount(t.shape)) fail('encode', `${what} shape [${t.shape.join(', ')}] needs ${elementCount(t.shape)} elements, got ${t.data.length}.`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') fail('encode', `Cannot write metadata "${k}": safetensors metadata values must be strings.`);
  }

  // The reference writer's order: dtypes by decreasing rank (which never increases the element
  // size), then names. Every tensor then starts at a multiple of its element size.
  const ordered = tensors.slice().sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  const entries: string[] = [];
  const metaKeys = Object.keys(metadata).sort(compareUtf8);
  if (metaKeys.length > 0) {
    const pairs = metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
    entries.push(`${JSON.stringify(METADATA_KEY)}:{${pairs.join(',')}}`);
  }
  let offset = 0;
  for (const t of ordered) {
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    offset += t.data.byteLength;
  }
  // Built by hand rather than JSON.stringify(object): objects reorder integer-like keys ("0") and
  // treat "__proto__" specially.
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) fail('encode', `Cannot write ${tensors.length} tensors: the header would exceed ${MAX_HEADER_BYTES} bytes.`);

  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // the high half of the u64 stays 0 below the cap
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of ordered) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Byte order of the UTF-8 encodings (what Rust's String ordering uses), i.e. code point order. */
function compareUtf8(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number), y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Parses and validates a whole safetensors file. Tensor data are views into `bytes` where aligned. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) fail('file-too-small', `The file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER_BYTES)
    fail('header-too-large', `The header claims ${hi * 2 ** 32 + lo} bytes, more than the ${MAX_HEADER_BYTES}-byte limit; the file is not a safetensors file or is corrupt.`);
  const headerLength = lo;
  if (8 + headerLength > bytes.length)
    fail('header-length', `The header claims ${headerLength} bytes but the file has only ${bytes.length - 8} after the length; the file is truncated or corrupt.`);

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('header-utf8', 'The header is not valid UTF-8 text; the file is corrupt.');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail('header-json', `The header is not valid JSON: ${(e as Error).message}.`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header-not-object', `The header must be a JSON object, but it is ${Array.isArray(header) ? 'an array' : JSON.stringify(header)}.`);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) fail('duplicate-key', `The header contains the key ${JSON.stringify(duplicate)} more than once.`);

  const fields = header as Record<string, unknown>;
  const metadata = readMetadata(fields[METADATA_KEY]);
  const infos = Object.entries(fields).filter(([name]) => name !== METADATA_KEY).map(([name, info]) => readInfo(name, info));
  return { tensors: readTensors(bytes, 8 + headerLength, infos), metadata };
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('metadata', `"${METADATA_KEY}" must be an object of strings.`);
  for (const [k, v] of Object.entries(raw as object)) {
    if (typeof v !== 'string') fail('metadata', `"${METADATA_KEY}" value for ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}.`);
  }
  return raw as Record<string, string>;
}

interface Info { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }

function readInfo(name: string, raw: unknown): Info {
  const what = `Tensor ${JSON.stringify(name)}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('tensor-info', `${what} must be described by an object with dtype, shape and data_offsets.`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isDtype(dtype))
    fail('dtype', `${what} has dtype ${JSON.stringify(dtype) ?? 'undefined'}, which is unknown or not supported here (supported: ${Object.keys(DTYPES).join(', ')}).`);
  if (!isShape(shape)) fail('shape', `${what} has shape ${JSON.stringify(shape) ?? 'undefined'}; it must be an array of non-negative integers.`);
  const valid = Array.isArray(offsets) && offsets.length === 2
    && offsets.every((o) => Number.isSafeInteger(o) && o >= 0) && offsets[0] <= offsets[1];
  if (!valid)
    fail('data-offsets', `${what} has data_offsets ${JSON.stringify(offsets) ?? 'undefined'}; it must be [begin, end] with integers 0 <= begin <= end.`);
  const [begin, end] = offsets as [number, number];
  return { name, dtype, shape, begin, end };
}

function readTensors(bytes: Uint8Array, bufferStart: number, infos: Info[]): Map<string, DecodedTensor> {
  const bufferLength = bytes.length - bufferStart;
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const tensors = new Map<string, DecodedTensor>();
  let expected = 0;
  for (const t of infos) {
    if (t.begin !== expected)
      fail('tensor-order', `Tensor ${JSON.stringify(t.name)} starts at byte ${t.begin} but the previous data ends at ${expected}; tensors must follow each other without gaps or overlaps.`);
    const size = elementCount(t.shape) * dtypeSize(t.dtype);
    if (t.end - t.begin !== size)
      fail('tensor-size', `Tensor ${JSON.stringify(t.name)} has ${t.end - t.begin} bytes but ${t.dtype} [${t.shape.join(', ')}] needs ${size}.`);
    if (t.end > bufferLength)
      fail('offset-out-of-bounds', `Tensor ${JSON.stringify(t.name)} ends at byte ${t.end} but the data section has only ${bufferLength}; the file is truncated.`);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data: tensorData(bytes, bufferStart, t) });
    expected = t.end;
  }
  if (expected !== bufferLength)
    fail('trailing-bytes', `The file has ${bufferLength - expected} bytes after the last tensor; it is corrupt or was not written as one safetensors file.`);
  return tensors;
}

function tensorData(bytes: Uint8Array, bufferStart: number, t: Info): TensorArray {
  const Ctor = DTYPES[t.dtype];
  const count = (t.end - t.begin) / Ctor.BYTES_PER_ELEMENT;
  const at = bytes.byteOffset + bufferStart + t.begin;
  if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, at, count);
  const copy = bytes.slice(bufferStart + t.begin, bufferStart + t.end);
  return new Ctor(copy.buffer, 0, count);
}
