import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES, type TensorInput } from '../../src/checkpoint/safetensors';
import { CheckpointError, type CheckpointErrorCode } from '../../src/checkpoint/safetensors-errors';

/** A safetensors file assembled by hand per the spec: u64 LE header length, header, data. The header
 *  is used exactly as given (no padding added), so tests control every byte. */
function file(header: string | Uint8Array, data: ArrayLike<number> = []): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32Bytes = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const info = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const json = (header: object, pad = 0) => JSON.stringify(header) + ' '.repeat(pad);

function expectError(bytes: Uint8Array, code: CheckpointErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).code).toBe(code);
  expect((caught as CheckpointError).message).toMatch(message);
}

describe('safetensors writer', () => {
  it('reproduces the reference writer byte for byte (safetensors tensor.rs test vectors)', () => {
    // test_serialization: "attn.0" F32 [1,2,3] = 0..5; its 64-byte header needs no padding.
    const attn = encodeSafetensors([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]);
    expect(Array.from(attn)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    // test_serialization_forced_alignement: a 65-byte header padded with 7 spaces.
    const aligned = encodeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]);
    expect(aligned).toEqual(file(json({ attn0: info('F32', [1, 1, 2, 3], [0, 24]) }, 7), f32Bytes(0, 1, 2, 3, 4, 5)));
    // test_empty, without and with metadata.
    expect(encodeSafetensors([])).toEqual(file('{}      '));
    expect(encodeSafetensors([], { framework: 'pt' })).toEqual(file('{"__metadata__":{"framework":"pt"}}     '));
  });

  it('orders tensors like the reference (dtype rank descending, then name) whatever the input order', () => {
    const tensors: TensorInput[] = [
      { name: 'mask', dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { name: 'weight', dtype: 'F16', shape: [2, 2], data: new Uint16Array([0x3c00, 0, 0, 0x3c00]) },
      { name: 'bias', dtype: 'F32', shape: [3], data: new Float32Array([0.5, -1, 2]) },
      { name: 'ids', dtype: 'I64', shape: [2], data: new BigInt64Array([7n, -3n]) },
      { name: 'count', dtype: 'I32', shape: [], data: new Int32Array([42]) },
    ];
    const bytes = encodeSafetensors(tensors, { format: 'pt', b: 'x' });
    expect(encodeSafetensors(tensors.slice().reverse(), { b: 'x', format: 'pt' })).toEqual(bytes);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(0, true)));
    expect(header.trimEnd()).toBe(JSON.stringify({
      __metadata__: { b: 'x', format: 'pt' },
      ids: info('I64', [2], [0, 16]),
      bias: info('F32', [3], [16, 28]),
      count: info('I32', [], [28, 32]),
      weight: info('F16', [2, 2], [32, 40]),
      mask: info('BOOL', [3], [40, 43]),
    }));
    expect((8 + header.length) % 8).toBe(0);
  });

  it('rejects invalid input with code "encode"', () => {
    const ok = { name: 'a', dtype: 'F32' as const, shape: [2], data: new Float32Array(2) };
    const bad: [TensorInput[], Record<string, string>, RegExp][] = [
      [[ok, ok], {}, /two tensors/],
      [[{ ...ok, name: '__metadata__' }], {}, /reserved/],
      [[{ ...ok, data: new Int32Array(2) }], {}, /needs a Float32Array, got a Int32Array/],
      [[{ ...ok, shape: [3] }], {}, /needs 3 elements, got 2/],
      [[{ ...ok, shape: [-2] }], {}, /non-negative integers/],
      [[ok], { k: 5 as unknown as string }, /must be strings/],
    ];
    for (const [tensors, meta, message] of bad) {
      expect(() => encodeSafetensors(tensors, meta)).toThrow(message);
      expect(() => encodeSafetensors(tensors, meta)).toThrow(CheckpointError);
    }
  });
});

describe('safetensors reader', () => {
  it('round-trips every dtype with aligned zero-copy views', () => {
    const tensors: TensorInput[] = [
      { name: 'f32', dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2, 3, 1e-30, 0, 7]) },
      { name: 'f64', dtype: 'F64', shape: [2], data: new Float64Array([Math.PI, -1e300]) },
      { name: 'u64', dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      { name: 'i32', dtype: 'I32', shape: [3], data: new Int32Array([-1, 2 ** 31 - 1, -(2 ** 31)]) },
      { name: 'u32', dtype: 'U32', shape: [1], data: new Uint32Array([2 ** 32 - 1]) },
      { name: 'bf16', dtype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) },
      { name: 'i16', dtype: 'I16', shape: [1], data: new Int16Array([-5]) },
      { name: 'u8', dtype: 'U8', shape: [5], data: new Uint8Array([1, 2, 3, 4, 5]) },
      { name: 'i8', dtype: 'I8', shape: [1], data: new Int8Array([-128]) },
      { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([9]) },
    ];
    const bytes = encodeSafetensors(tensors, { note: 'ünïcödé ✓' });
    const { tensors: out, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'ünïcödé ✓' });
    expect([...out.keys()].sort()).toEqual(tensors.map((t) => t.name).sort());
    for (const t of tensors) {
      const got = out.get(t.name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      expect(Array.from(got.data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
      expect(got.data.buffer).toBe(bytes.buffer); // a view, not a copy
    }
  });

  it('reads a file a Python writer would produce, and variants the reference parser accepts', () => {
    // As torch/numpy save_file writes it: metadata first, offsets in the reference order, space padding.
    const header = json({
      __metadata__: { format: 'pt' },
      ids: info('I64', [2], [0, 16]),
      bias: info('F32', [3], [16, 28]),
      mask: info('BOOL', [3], [28, 31]),
    });
    const data = new Uint8Array(31);
    data.set(new Uint8Array(new BigInt64Array([7n, -3n]).buffer), 0);
    data.set(f32Bytes(0.5, -1, 2), 16);
    data.set([1, 0, 1], 28);
    const python = decodeSafetensors(file(header + ' '.repeat((8 - (header.length % 8)) % 8), data));
    expect(python.metadata).toEqual({ format: 'pt' });
    expect(Array.from(python.tensors.get('ids')!.data as BigInt64Array)).toEqual([7n, -3n]);
    expect(Array.from(python.tensors.get('bias')!.data as Float32Array)).toEqual([0.5, -1, 2]);
    expect(Array.from(python.tensors.get('mask')!.data as Uint8Array)).toEqual([1, 0, 1]);

    // Older writers: no padding (so F32 data start unaligned), pretty-printed JSON with leading
    // whitespace, keys not in offset order, unknown extra fields, null metadata, a zero-size tensor.
    const loose = `\n {\n  "w": {"dtype": "F32", "shape": [2], "data_offsets": [1, 9], "extra": true},\n  "__metadata__": null,\n  "z": {"dtype": "F32", "shape": [0], "data_offsets": [9, 9]},\n  "b": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}\n}`;
    const looseData = new Uint8Array(9);
    looseData[0] = 200;
    looseData.set(f32Bytes(3.25, -8), 1);
    const bytes = file(loose, looseData);
    const got = decodeSafetensors(bytes);
    expect(got.metadata).toEqual({});
    expect(Array.from(got.tensors.get('w')!.data as Float32Array)).toEqual([3.25, -8]);
    expect(got.tensors.get('w')!.data.byteOffset % 4).toBe(0); // copied to be aligned
    expect(Array.from(got.tensors.get('b')!.data as Uint8Array)).toEqual([200]);
    expect(got.tensors.get('z')!.data.length).toBe(0);
  });

  it('reads from a Uint8Array that is a view at an odd offset of a larger buffer', () => {
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const got = decodeSafetensors(big.subarray(3));
    expect(Array.from(got.tensors.get('x')!.data as Float32Array)).toEqual([1, 2]);
  });
});

describe('safetensors reader rejects malformed files', () => {
  const x = { x: info('F32', [2], [0, 8]) };
  const data8 = f32Bytes(1, 2);

  it('file shorter than 8 bytes', () => expectError(new Uint8Array(7), 'file-too-small', /7 bytes/));

  it('header length above the cap, or with the high 32 bits set', () => {
    const big = new Uint8Array(16);
    new DataView(big.buffer).setUint32(0, MAX_HEADER_BYTES + 1, true);
    expectError(big, 'header-too-large', /100000001 bytes/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true);
    expectError(huge, 'header-too-large', /4294967296 bytes/);
  });

  it('header length past the end of the file', () => {
    const bytes = file(json(x), data8);
    new DataView(bytes.buffer).setUint32(0, bytes.length - 7, true);
    expectError(bytes, 'header-length', /truncated/);
  });

  it('header not valid UTF-8', () => expectError(file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'header-utf8', /UTF-8/));

  it('header not valid JSON (including a byte-order mark)', () => {
    expectError(file('{"x": {"dtype": "F32"'), 'header-json', /not valid JSON/);
    expectError(file('\uFEFF{}'), 'header-json', /not valid JSON/);
    expectError(file('{} x'), 'header-json', /not valid JSON/);
  });

  it('header not an object', () => {
    expectError(file('[1, 2]'), 'header-not-object', /it is \[1, 2\]/);
    expectError(file('42'), 'header-not-object', /42/);
    expectError(file('null'), 'header-not-object', /null/);
  });

  it('duplicate keys, at the top level, inside a tensor entry and in the metadata', () => {
    const entry = JSON.stringify(info('F32', [2], [0, 8]));
    expectError(file(`{"x":${entry},"x":${entry}}`, data8), 'duplicate-key', /"x" more than once/);
    expectError(file(`{"x":${entry},"\\u0078":${entry}}`, data8), 'duplicate-key', /"x" more than once/);
    expectError(file(`{"x":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, data8), 'duplicate-key', /"dtype"/);
    expectError(file(`{"__metadata__":{"a":"1","a":"2"},"x":${entry}}`, data8), 'duplicate-key', /"a"/);
  });

  it('__metadata__ not a map of strings to strings', () => {
    expectError(file(json({ __metadata__: { step: 5 }, ...x }), data8), 'metadata', /"step" must be a string/);
    expectError(file(json({ __metadata__: ['a'], ...x }), data8), 'metadata', /object of strings/);
  });

  it('tensor entry not an object', () => {
    expectError(file(json({ x: 5 })), 'tensor-info', /"x"/);
    expectError(file(json({ x: [] })), 'tensor-info', /"x"/);
  });

  it('unknown or unsupported dtype', () => {
    expectError(file(json({ x: info('F33', [2], [0, 8]) }), data8), 'dtype', /"F33"/);
    expectError(file(json({ x: info('F4', [2], [0, 1]) }), new Uint8Array(1)), 'dtype', /"F4"/);
    expectError(file(json({ x: { shape: [2], data_offsets: [0, 8] } }), data8), 'dtype', /"x" has no dtype/);
  });

  it('shape not an array of non-negative integers', () => {
    for (const shape of [[-1], [1.5], '2', null, [2 ** 53]]) {
      expectError(file(json({ x: info('F32', shape, [0, 8]) }), data8), 'shape', /non-negative integers/);
    }
    expectError(file(json({ x: { dtype: 'F32', data_offsets: [0, 8] } }), data8), 'shape', /"x" has no shape/);
  });

  it('data_offsets not two integers with begin <= end', () => {
    for (const offsets of [[8, 0], [0], [0, 8, 8], [0, -8], [0, 7.5], '0,8', null]) {
      expectError(file(json({ x: info('F32', [2], offsets) }), data8), 'data-offsets', /begin <= end/);
    }
  });

  it('tensors not contiguous from 0: gap at the start, gap between, overlap', () => {
    expectError(file(json({ x: info('F32', [2], [4, 12]) }), f32Bytes(0, 1, 2)), 'tensor-order', /starts at byte 4 .* ends at 0/);
    const two = (b: number[]) => json({ a: info('F32', [1], [0, 4]), b: info('F32', [1], b) });
    expectError(file(two([8, 12]), f32Bytes(0, 1, 2)), 'tensor-order', /"b" starts at byte 8/);
    expectError(file(two([2, 6]), new Uint8Array(6)), 'tensor-order', /"b" starts at byte 2/);
  });

  it('byte length not product(shape) * dtype size', () => {
    expectError(file(json({ x: info('F32', [2], [0, 4]) }), new Uint8Array(4)), 'tensor-size', /4 bytes but F32 \[2\] needs 8/);
    expectError(file(json({ x: info('F16', [3], [0, 8]) }), data8), 'tensor-size', /needs 6/);
  });

  it('offsets beyond the buffer (a truncated file)', () => {
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [4], data: new Float32Array(4) }]);
    expectError(bytes.subarray(0, bytes.length - 3), 'offset-out-of-bounds', /ends at byte 16 .* only 13/);
  });

  it('bytes left after the last tensor', () => {
    expectError(file(json(x), [...data8, 0]), 'trailing-bytes', /1 bytes after/);
    expectError(file('{}', [0, 0]), 'trailing-bytes', /2 bytes after/);
  });
});
