// The safetensors dtypes this reader understands, with their element sizes and the typed array
// that holds their raw little-endian elements. Half and 8-bit floats have no native JS array, so
// their raw bits travel as unsigned integers. Listed in the reference's enum order, which its writer
// sorts by. Sub-byte dtypes (F4, F6_*) and C64 are not supported.

type ArrayConstructorOf<A> = {
  new (length: number): A;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): A;
  readonly BYTES_PER_ELEMENT: number;
};

export type TensorArray =
  | Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array
  | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;

export const DTYPES = {
  BOOL: Uint8Array,
  U8: Uint8Array,
  I8: Int8Array,
  F8_E5M2: Uint8Array,
  F8_E4M3: Uint8Array,
  F8_E8M0: Uint8Array,
  I16: Int16Array,
  U16: Uint16Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I32: Int32Array,
  U32: Uint32Array,
  F32: Float32Array,
  F64: Float64Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
} as const satisfies Record<string, ArrayConstructorOf<TensorArray>>;

export type Dtype = keyof typeof DTYPES;

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, s);
}

export function dtypeSize(dtype: Dtype): number {
  return DTYPES[dtype].BYTES_PER_ELEMENT;
}

const RANKS = new Map(Object.keys(DTYPES).map((d, i) => [d, i]));

/** Position in the reference's Dtype enum (its writer orders tensors by decreasing rank). */
export function dtypeRank(dtype: Dtype): number {
  return RANKS.get(dtype) as number;
}
