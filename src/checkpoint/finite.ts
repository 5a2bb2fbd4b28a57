// Finds NaN and ±Infinity in decoded safetensors tensors, so a loader can refuse a checkpoint whose
// weights (or optimizer moments) are no longer numbers: training from one skips every step, and
// sampling from one gives garbage. Reads F32, F64, F16 and BF16 tensors; integer and 8-bit float
// tensors are not checked. Does not throw or word messages: the caller does.
import type { DecodedTensor } from './safetensors';

export interface NonFinite {
  /** The first tensor, in file order, that holds a non-finite value. */
  name: string;
  /** Its first non-finite element (flat index) and what it is. */
  index: number;
  value: 'NaN' | 'Infinity' | '-Infinity';
  /** How many tensors hold at least one non-finite value. */
  tensors: number;
}

type Found = { index: number; value: NonFinite['value'] };

function inFloats(data: Float32Array | Float64Array): Found | undefined {
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x - x !== 0) return { index: i, value: Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity' };
  }
  return undefined;
}

/** Half floats as raw bits: all-ones exponent means NaN (mantissa ≠ 0) or ±Infinity. */
function inHalves(bits: Uint16Array, exponent: number, mantissa: number): Found | undefined {
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((b & exponent) === exponent) return { index: i, value: (b & mantissa) !== 0 ? 'NaN' : b & 0x8000 ? '-Infinity' : 'Infinity' };
  }
  return undefined;
}

function inTensor(t: DecodedTensor): Found | undefined {
  switch (t.dtype) {
    case 'F32': case 'F64': return inFloats(t.data as Float32Array | Float64Array);
    case 'F16': return inHalves(t.data as Uint16Array, 0x7c00, 0x03ff);
    case 'BF16': return inHalves(t.data as Uint16Array, 0x7f80, 0x007f);
    default: return undefined;
  }
}

/** The first non-finite value among `tensors` (in their order), or undefined when all are finite. */
export function findNonFinite(tensors: ReadonlyMap<string, DecodedTensor>): NonFinite | undefined {
  let first: NonFinite | undefined;
  for (const [name, t] of tensors) {
    const found = inTensor(t);
    if (!found) continue;
    if (first) first.tensors++;
    else first = { name, ...found, tensors: 1 };
  }
  return first;
}
