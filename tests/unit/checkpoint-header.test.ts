// The safetensors header reader against hostile input: the reference parser's integer rules, the
// caps on nesting, tensor count, name length and metadata size, and bounded error messages.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/checkpoint/safetensors';
import { CheckpointError, type CheckpointErrorCode } from '../../src/checkpoint/safetensors-errors';
import { MAX_HEADER_DEPTH, MAX_METADATA_ENTRIES, MAX_TENSOR_NAME, MAX_TENSORS } from '../../src/checkpoint/safetensors-header';

function file(header: string, data: ArrayLike<number> = []): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function errorOf(bytes: Uint8Array): CheckpointError | null {
  try {
    decodeSafetensors(bytes);
    return null;
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    return e;
  }
}

function expectError(bytes: Uint8Array, code: CheckpointErrorCode, message: RegExp): CheckpointError {
  const e = errorOf(bytes);
  expect(e, 'the file should be refused').not.toBeNull();
  expect(e!.code, e!.message).toBe(code);
  expect(e!.message).toMatch(message);
  return e!;
}

const empty = (name = 't') => `"${name}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`;

// How each number token in shape / data_offsets is read. `reference`: what huggingface/safetensors
// (serde_json into usize) does; `here`: what this reader does. They differ only above 2^53 - 1,
// which no file a browser can hold reaches (the reference accepts up to 2^64 - 1 there).
//   accept: read as that integer;  number: refused as a number that is not a usize;
//   syntax: not JSON at all (header-json);  type: not a number.
type Verdict = 'accept' | 'number' | 'syntax' | 'type';
const INTEGER_TABLE: { token: string; reference: Verdict; here: Verdict; value?: number }[] = [
  { token: '0', reference: 'accept', here: 'accept', value: 0 },
  { token: '128', reference: 'accept', here: 'accept', value: 128 },
  { token: ' 7 ', reference: 'accept', here: 'accept', value: 7 },
  { token: '9007199254740991', reference: 'accept', here: 'accept', value: 2 ** 53 - 1 },
  { token: '9007199254740992', reference: 'accept', here: 'number' },
  { token: '18446744073709551615', reference: 'accept', here: 'number' },
  { token: '18446744073709551616', reference: 'number', here: 'number' }, // past u64: serde reads a float
  { token: '128.0', reference: 'number', here: 'number' },
  { token: '0.0', reference: 'number', here: 'number' },
  { token: '128e0', reference: 'number', here: 'number' },
  { token: '1E2', reference: 'number', here: 'number' },
  { token: '1e+2', reference: 'number', here: 'number' },
  { token: '-0', reference: 'number', here: 'number' }, // serde_json reads -0 as the float -0.0
  { token: '-1', reference: 'number', here: 'number' },
  { token: '01', reference: 'syntax', here: 'syntax' },
  { token: '+1', reference: 'syntax', here: 'syntax' },
  { token: '.5', reference: 'syntax', here: 'syntax' },
  { token: '1.', reference: 'syntax', here: 'syntax' },
  { token: '0x10', reference: 'syntax', here: 'syntax' },
  { token: 'NaN', reference: 'syntax', here: 'syntax' },
  { token: 'Infinity', reference: 'syntax', here: 'syntax' },
  { token: '"128"', reference: 'type', here: 'type' },
  { token: 'true', reference: 'type', here: 'type' },
  { token: 'null', reference: 'type', here: 'type' },
  { token: '[1]', reference: 'type', here: 'type' },
];

describe('integers in shape and data_offsets, as the reference parser reads them', () => {
  it.each(INTEGER_TABLE)('shape dimension $token: $here', ({ token, here, value }) => {
    // A zero-size tensor: any accepted dimension before the 0 gives a consistent file.
    const bytes = file(`{"t":{"dtype":"U8","shape":[${token},0],"data_offsets":[0,0]}}`);
    if (here === 'accept') {
      expect(decodeSafetensors(bytes).tensors.get('t')!.shape).toEqual([value, 0]);
      return;
    }
    const e = expectError(bytes, here === 'syntax' ? 'header-json' : 'shape', here === 'syntax' ? /not valid JSON/ : /shape/);
    if (here === 'number') expect(e.message).toContain(token.trim());
  });

  it.each(INTEGER_TABLE)('data_offsets end $token: $here', ({ token, here, value }) => {
    const bytes = file(`{"t":{"dtype":"U8","shape":[0],"data_offsets":[0,${token}]}}`);
    const e = errorOf(bytes);
    if (here === 'accept') {
      // Read as the integer; only 0 fits a zero-size tensor, others fail the size check after.
      if (value === 0) expect(e).toBeNull();
      else expect(e?.code).toBe('tensor-size');
      return;
    }
    expect(e?.code, e?.message).toBe(here === 'syntax' ? 'header-json' : 'data-offsets');
  });

  it('explains why a number is refused', () => {
    expectError(file(`{"t":{"dtype":"U8","shape":[128.0],"data_offsets":[0,128]}}`), 'shape', /128\.0 is not written as a non-negative integer \(no sign, fraction or exponent\)/);
    expectError(file(`{"t":{"dtype":"U8","shape":[0],"data_offsets":[-0,0]}}`), 'data-offsets', /-0 is not written as a non-negative integer/);
    expectError(file(`{"t":{"dtype":"U8","shape":[9007199254740992,0],"data_offsets":[0,0]}}`), 'shape', /larger than 2\^53 - 1/);
    expectError(file(`{"t":{"dtype":"U8","shape":["2"],"data_offsets":[0,2]}}`, [1, 2]), 'shape', /"2" is not a number/);
  });
});

describe('caps: no header makes the reader recurse or allocate beyond fixed limits', () => {
  it('the reported deep-nesting file (20 KB, 10,000 levels in dtype) gets header-nesting', () => {
    const header = `{"t":{"dtype":${'['.repeat(10_000)}${']'.repeat(10_000)},"shape":[],"data_offsets":[0,0]}}`;
    expectError(file(header), 'header-nesting', new RegExp(`more than ${MAX_HEADER_DEPTH} levels deep`));
    // The same nesting anywhere else: at the top, in the metadata, in an ignored key.
    expectError(file(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 'header-nesting', /levels deep/);
    expectError(file(`{"__metadata__":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`), 'header-nesting', /levels deep/);
  });

  it(`nesting up to ${MAX_HEADER_DEPTH} levels under an ignored key is accepted, one more is not`, () => {
    // header (1) > tensor entry (2) > the ignored value's arrays (3...).
    const nested = (levels: number) => file(`{"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":${'['.repeat(levels)}${']'.repeat(levels)}}}`);
    expect(decodeSafetensors(nested(MAX_HEADER_DEPTH - 2)).tensors.size).toBe(1);
    expectError(nested(MAX_HEADER_DEPTH - 1), 'header-nesting', /levels deep/);
  });

  it('the reported 99 MB header of 1.8 M zero-size tensors is refused at the tensor cap', () => {
    // Written byte by byte (building a 99 MB string would take longer than reading it): 1.8 M
    // entries "abcd":{...} with distinct 4-character names.
    const count = 1_800_000;
    const entry = new TextEncoder().encode('"????":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},');
    const alphabet = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    const headerLength = 1 + count * entry.length; // '{' + entries, the last ',' becomes '}'
    const bytes = new Uint8Array(8 + headerLength);
    new DataView(bytes.buffer).setUint32(0, headerLength, true);
    bytes[8] = 0x7b;
    for (let i = 0, at = 9; i < count; i++, at += entry.length) {
      bytes.set(entry, at);
      for (let d = 0, n = i; d < 4; d++, n >>= 6) bytes[at + 1 + d] = alphabet[n & 63];
    }
    bytes[bytes.length - 1] = 0x7d;
    expect(headerLength).toBeGreaterThan(95_000_000);
    expectError(bytes, 'too-many-tensors', new RegExp(`more than ${MAX_TENSORS} tensors`));
  });

  it(`stops at tensor ${MAX_TENSORS + 1}, before reading the rest of the header`, () => {
    const entries = Array.from({ length: MAX_TENSORS }, (_, i) => empty(`t${i}`));
    expect(decodeSafetensors(file(`{${entries.join(',')}}`)).tensors.size).toBe(MAX_TENSORS);
    // What follows the extra tensor is not even JSON: the cap fires first.
    expectError(file(`{${entries.join(',')},${empty('extra')},this is not JSON`), 'too-many-tensors', /more than 65536 tensors/);
  });

  it(`tensor names up to ${MAX_TENSOR_NAME} characters`, () => {
    const ok = 'n'.repeat(MAX_TENSOR_NAME);
    expect([...decodeSafetensors(file(`{${empty(ok)}}`)).tensors.keys()]).toEqual([ok]);
    const e = expectError(file(`{${empty('n'.repeat(1_000_000))}}`), 'tensor-name', /1000000 characters long .* at most 1024/);
    expect(e.message.length).toBeLessThan(400);
  });

  it(`metadata up to ${MAX_METADATA_ENTRIES} entries`, () => {
    const meta = (n: number) => `"__metadata__":{${Array.from({ length: n }, (_, i) => `"k${i}":"v"`).join(',')}}`;
    expect(Object.keys(decodeSafetensors(file(`{${meta(MAX_METADATA_ENTRIES)}}`)).metadata)).toHaveLength(MAX_METADATA_ENTRIES);
    expectError(file(`{${meta(MAX_METADATA_ENTRIES + 1)}}`), 'metadata', /more than 4096 entries/);
  });

  it('error messages quote at most a short piece of what the file says', () => {
    const long = 'x'.repeat(1_000_000);
    for (const [header, code] of [
      [`{"t":{"dtype":"${long}","shape":[0],"data_offsets":[0,0]}}`, 'dtype'],
      [`{"t":{"dtype":"U8","shape":[${'1,'.repeat(500_000)}0],"data_offsets":[0,1]}}`, 'tensor-size'],
      [`{"t":{"dtype":"U8","shape":"${long}","data_offsets":[0,0]}}`, 'shape'],
      [`["${long}"]`, 'header-not-object'],
      [`{"__metadata__":{"${long}":[${'1,'.repeat(100_000)}1]}}`, 'metadata'],
      [`{"${long}":7}`, 'tensor-name'],
    ] as const) {
      const e = errorOf(file(header, code === 'tensor-size' ? [0] : []));
      expect(e?.code).toBe(code);
      expect(e!.message.length, e!.message.slice(0, 200)).toBeLessThan(500);
    }
  });
});

describe('strict JSON, as serde_json reads it', () => {
  it('refuses an escaped half of a surrogate pair, accepts a whole pair', () => {
    expectError(file(`{"\\ud800":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`), 'header-json', /surrogate/);
    expectError(file(`{"__metadata__":{"a":"\\udc00x"}}`), 'header-json', /surrogate/);
    expect([...decodeSafetensors(file(`{${empty('\\ud83d\\ude00')}}`)).tensors.keys()]).toEqual(['\u{1F600}']);
  });

  it('refuses control characters in strings, bad escapes, trailing commas and comments', () => {
    for (const header of ['{"a\u0001":1}', '{"a\\x41":1}', `{${empty()},}`, `{${empty()}} // x`, '{"a":[1,]}', "{'a':1}", '']) {
      expectError(file(header), 'header-json', /not valid JSON/);
    }
  });

  it('accepts whitespace before the header (the reference has not turned its "{" check on), and ignores unknown keys in a tensor entry', () => {
    const got = decodeSafetensors(file(`\n\t {"t":{"extra":{"a":[1.5,-0,"x",null]},"dtype":"U8","shape":[2],"data_offsets":[0,2],"more":true}}`, [7, 9]));
    expect(Array.from(got.tensors.get('t')!.data as Uint8Array)).toEqual([7, 9]);
  });

  it('keeps metadata keys such as "__proto__" and "constructor" as plain keys (null-prototype map)', () => {
    const { metadata } = decodeSafetensors(file('{"__metadata__":{"__proto__":"a","constructor":"b","toString":"c"}}'));
    expect(Object.getPrototypeOf(metadata)).toBeNull();
    expect(Object.entries(metadata)).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']]);
    expect(decodeSafetensors(file('{}')).metadata.toString).toBeUndefined();
  });

  it('treats tensors named like Object.prototype members as plain names', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const header = `{${names.map((n, i) => `"${n}":{"dtype":"U8","shape":[1],"data_offsets":[${i},${i + 1}]}`).join(',')}}`;
    const got = decodeSafetensors(file(header, [1, 2, 3, 4]));
    expect(names.map((n) => got.tensors.get(n)!.data[0])).toEqual([1, 2, 3, 4]);
  });
});
