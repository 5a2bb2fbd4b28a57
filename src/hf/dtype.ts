// Half-precision floats ⇄ float32, bit by bit, for Hugging Face checkpoints (most are BF16).
//   F16  (IEEE binary16):  1 sign, 5 exponent (bias 15), 10 mantissa bits
//   BF16 (bfloat16):       1 sign, 8 exponent (bias 127), 7 mantissa bits = the top half of an f32
// Widening (F16/BF16 → F32) is exact for every pattern: normals, subnormals, ±0, ±inf; NaNs keep
// their sign and payload (shifted into the top of the f32 mantissa), as PyTorch's .float() does.
// Narrowing (F32 → F16/BF16) rounds to nearest, ties to even, overflows to ±inf, flushes nothing
// (F16 subnormals are produced), and turns a NaN into a quiet NaN of the same sign and top payload.
// Raw half bits travel as Uint16Array (see safetensors-dtypes.ts). Does not read files (folder.ts).

const f32Bits = (n: number) => new Uint32Array(n);

/** F16 bits → float32 values, exactly. */
export function f16ToF32(src: Uint16Array): Float32Array {
  const bits = f32Bits(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) bits[i] = sign | 0x7f800000 | (mant << 13);
    else if (exp !== 0) bits[i] = sign | ((exp + 112) << 23) | (mant << 13);
    else if (mant === 0) bits[i] = sign;
    else {
      // Subnormal mant·2^−24: shift the leading 1 up to the implicit-bit position.
      let e = 113;
      while ((mant & 0x400) === 0) { mant <<= 1; e--; }
      bits[i] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  return new Float32Array(bits.buffer);
}

/** BF16 bits → float32 values, exactly (a bfloat16 is the high half of a float32). */
export function bf16ToF32(src: Uint16Array): Float32Array {
  const bits = f32Bits(src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return new Float32Array(bits.buffer);
}

/** float32 → BF16 bits, round to nearest even. */
export function f32ToBf16(src: Float32Array): Uint16Array {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const f = u[i];
    if ((f & 0x7fffffff) > 0x7f800000) out[i] = (f >>> 16) | 0x40;
    else out[i] = (f + 0x7fff + ((f >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** Round-to-nearest-even of `value >> shift` (shift ≥ 1). */
function shiftRound(value: number, shift: number): number {
  const q = value >>> shift;
  const rem = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** float32 → F16 bits, round to nearest even (subnormals kept, overflow to ±inf). */
export function f32ToF16(src: Float32Array): Uint16Array {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const f = u[i];
    const sign = (f >>> 16) & 0x8000;
    const exp = (f >>> 23) & 0xff;
    const mant = f & 0x7fffff;
    const e = exp - 112; // the F16 exponent field this value would have
    if (exp === 0xff) out[i] = sign | 0x7c00 | (mant === 0 ? 0 : 0x200 | (mant >>> 13));
    else if (e >= 0x1f) out[i] = sign | 0x7c00;
    else if (e > 0) out[i] = sign | shiftRound((e << 23) | mant, 13); // a carry may reach 0x7c00 = inf
    else {
      // F16 subnormal (or zero): value·2^24 = (1.mant)·2^(exp−103); f32 subnormals are far below.
      const shift = 126 - exp;
      out[i] = shift > 24 ? sign : sign | shiftRound(mant | 0x800000, shift);
    }
  }
  return out;
}
