// safetensors reader and writer (https://github.com/huggingface/safetensors, format section):
//   [u64 little-endian N][N bytes UTF-8 JSON header][byte buffer]
// The header maps tensor names to { dtype, shape, data_offsets: [begin, end] } (offsets relative to
// the byte buffer) plus an optional "__metadata__" map of strings to strings. The reader accepts what
// the reference parser accepts, within fixed caps on nesting, tensor count and name length (see
// safetensors-header.ts), and rejects the rest with a specific CheckpointError; the writer
// produces the bytes the reference writer produces (compact JSON, "__metadata__" first, header
// padded with spaces to a multiple of 8 bytes, tensors in the reference order, so each is aligned).
// Typed arrays use the platform byte order; safetensors and every platform with WebGPU are
// little-endian. Does not know about TabGPT's metadata: that is codec.ts.
import { CheckpointError, type CheckpointErrorCode } from './safetensors-errors';
import { DTYPES, dtypeRank, dtypeSize, isDtype, type Dtype, type TensorArray } from './safetensors-dtypes';
import { MAX_METADATA_ENTRIES, MAX_TENSOR_NAME, MAX_TENSORS, METADATA_KEY, quoteName, readHeader, shapeText, type TensorEntry } from './safetensors-header';

/** The reference parser's cap on the header length (safetensors MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

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
  if (tensors.length > MAX_TENSORS) fail('encode', `Cannot write ${tensors.length} tensors: a file may hold at most ${MAX_TENSORS}.`);
  if (Object.keys(metadata).length > MAX_METADATA_ENTRIES) fail('encode', `Cannot write more than ${MAX_METADATA_ENTRIES} metadata entries.`);
  const names = new Set<string>();
  for (const t of tensors) {
    const what = `Cannot write tensor ${quoteName(t.name)}:`;
    if (t.name === METADATA_KEY) fail('encode', `${what} the name is reserved for the metadata.`);
    if (t.name.length > MAX_TENSOR_NAME) fail('encode', `${what} names may be at most ${MAX_TENSOR_NAME} characters.`);
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
  const { tensors, metadata } = readHeader(text);
  return { tensors: readTensors(bytes, 8 + headerLength, tensors), metadata };
}

function readTensors(bytes: Uint8Array, bufferStart: number, infos: TensorEntry[]): Map<string, DecodedTensor> {
  const bufferLength = bytes.length - bufferStart;
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const tensors = new Map<string, DecodedTensor>();
  let expected = 0;
  for (const t of infos) {
    if (t.begin !== expected)
      fail('tensor-order', `Tensor ${quoteName(t.name)} starts at byte ${t.begin} but the previous data ends at ${expected}; tensors must follow each other without gaps or overlaps.`);
    const size = elementCount(t.shape) * dtypeSize(t.dtype);
    if (t.end - t.begin !== size)
      fail('tensor-size', `Tensor ${quoteName(t.name)} has ${t.end - t.begin} bytes but ${t.dtype} ${shapeText(t.shape)} needs ${size}.`);
    if (t.end > bufferLength)
      fail('offset-out-of-bounds', `Tensor ${quoteName(t.name)} ends at byte ${t.end} but the data section has only ${bufferLength}; the file is truncated.`);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data: tensorData(bytes, bufferStart, t) });
    expected = t.end;
  }
  if (expected !== bufferLength)
    fail('trailing-bytes', `The file has ${bufferLength - expected} bytes after the last tensor; it is corrupt or was not written as one safetensors file.`);
  return tensors;
}

function tensorData(bytes: Uint8Array, bufferStart: number, t: TensorEntry): TensorArray {
  const Ctor = DTYPES[t.dtype];
  const count = (t.end - t.begin) / Ctor.BYTES_PER_ELEMENT;
  const at = bytes.byteOffset + bufferStart + t.begin;
  if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, at, count);
  const copy = bytes.slice(bufferStart + t.begin, bufferStart + t.end);
  return new Ctor(copy.buffer, 0, count);
}
