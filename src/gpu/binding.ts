// What a kernel binds as a storage buffer: a whole GPUBuffer, or a byte range of one (a tensor
// inside a flat parameter buffer, a row block of an activation). Helpers read a binding's buffer,
// offset and size, and cut sub-ranges whose offsets respect the device's storage alignment.
// It does not allocate or validate against device limits (limits.ts, buffer-pool.ts do).

export interface BufferRange { buffer: GPUBuffer; offset?: number; size?: number }
export type Binding = GPUBuffer | BufferRange;

const isRange = (b: Binding): b is BufferRange => 'buffer' in b;

export const bufferOf = (b: Binding): GPUBuffer => (isRange(b) ? b.buffer : b);
export const offsetOf = (b: Binding): number => (isRange(b) ? b.offset ?? 0 : 0);
/** Bytes the binding covers (a range without a size runs to the end of its buffer). */
export const sizeOf = (b: Binding): number => (isRange(b) ? b.size ?? b.buffer.size - (b.offset ?? 0) : b.size);

/** Whether two bindings are the same range of the same buffer. */
export const sameBinding = (a: Binding, b: Binding): boolean =>
  bufferOf(a) === bufferOf(b) && offsetOf(a) === offsetOf(b) && sizeOf(a) === sizeOf(b);

/** Bytes [offset, offset + bytes) of `b`, its size rounded up to 16 bytes (kernels read vec4) where
 *  the parent has room. `offset` must keep the storage offset alignment (256 bytes is always safe). */
export function subRange(b: Binding, offset: number, bytes: number): BufferRange {
  const start = offsetOf(b) + offset;
  const room = sizeOf(b) - offset;
  if (offset < 0 || bytes > room) throw new Error(`A sub-range of ${bytes} bytes at ${offset} does not fit a binding of ${sizeOf(b)} bytes.`);
  return { buffer: bufferOf(b), offset: start, size: Math.min(Math.ceil(bytes / 16) * 16, room) };
}
