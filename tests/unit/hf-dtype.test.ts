// Half-float conversion (src/hf/dtype.ts) against a reference written from the formats' definitions
// with Math and DataView — value = (−1)^s · 2^(e−bias) · (1 + m/2^p) — not from bit tricks.
// Widening is checked on all 65536 patterns of each format; narrowing on every class of float32
// (normals, subnormals, ±0, ±inf, NaN, exact ties, values just around each rounding boundary).
import { describe, it, expect } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../../src/hf/dtype';

const ALL16 = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** The real number a half pattern stands for (NaN for NaNs), from the definition. */
function halfValue(bits: number, expBits: number, mantBits: number): number {
  const sign = bits >> (expBits + mantBits) ? -1 : 1;
  const e = (bits >> mantBits) & ((1 << expBits) - 1);
  const m = bits & ((1 << mantBits) - 1);
  const bias = (1 << (expBits - 1)) - 1;
  if (e === (1 << expBits) - 1) return m === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * m * 2 ** (1 - bias - mantBits);
  return sign * (1 + m / 2 ** mantBits) * 2 ** (e - bias);
}
const f16Value = (b: number) => halfValue(b, 5, 10);
const bf16Value = (b: number) => halfValue(b, 8, 7);

function bitsOf(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x, true);
  return v.getUint32(0, true);
}
function floatOf(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, bits >>> 0, true);
  return v.getFloat32(0, true);
}

function classOf(bits: number, expBits: number, mantBits: number): string {
  const e = (bits >> mantBits) & ((1 << expBits) - 1), m = bits & ((1 << mantBits) - 1);
  if (e === (1 << expBits) - 1) return m ? 'nan' : 'inf';
  if (e === 0) return m ? 'subnormal' : 'zero';
  return 'normal';
}

function checkWiden(name: string, widen: (x: Uint16Array) => Float32Array, value: (b: number) => number, expBits: number, mantBits: number) {
  it(`${name} → F32 is exact on all 65536 patterns (every class)`, () => {
    const got = widen(ALL16);
    const gotBits = new Uint32Array(got.buffer);
    const seen = new Map<string, number>();
    for (let b = 0; b < 65536; b++) {
      const cls = classOf(b, expBits, mantBits);
      seen.set(cls, (seen.get(cls) ?? 0) + 1);
      const want = value(b);
      if (cls === 'nan') {
        // A NaN keeps its sign and payload: the half mantissa becomes the top of the f32 mantissa.
        const payload = b & ((1 << mantBits) - 1);
        const expectBits = ((b >> (expBits + mantBits)) << 31 | 0x7f800000 | (payload << (23 - mantBits))) >>> 0;
        if (gotBits[b] !== expectBits) expect.fail(`${name} 0x${b.toString(16)}: got 0x${gotBits[b].toString(16)}, want 0x${expectBits.toString(16)}`);
        continue;
      }
      // Every non-NaN half value is a float32 exactly, so the f32 must be that value; ±0 by sign.
      if (!Object.is(got[b], want) || bitsOf(want) !== gotBits[b]) expect.fail(`${name} 0x${b.toString(16)} (${cls}): got ${got[b]}, want ${want}`);
    }
    expect([...seen.keys()].sort()).toEqual(['inf', 'nan', 'normal', 'subnormal', 'zero']);
  });
}

/** Nearest representable value, ties to the even pattern, with overflow per IEEE (to ±inf past max + ulp/2). */
function makeNarrowRef(value: (b: number) => number, expBits: number, mantBits: number) {
  const signBit = 1 << (expBits + mantBits);
  const infBits = ((1 << expBits) - 1) << mantBits;
  // Positive finite patterns are ordered like their values: 0 .. infBits − 1.
  const positives = Float64Array.from({ length: infBits }, (_, b) => value(b));
  const maxFinite = positives[infBits - 1];
  const overflow = maxFinite + (maxFinite - positives[infBits - 2]) / 2; // tie goes to inf (max's pattern is odd)
  return (x: number): number | 'nan' => {
    if (Number.isNaN(x)) return 'nan';
    const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
    const a = Math.abs(x);
    if (a >= overflow) return sign | infBits;
    let lo = 0, hi = infBits - 1; // largest b with positives[b] <= a
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (positives[mid] <= a) lo = mid; else hi = mid - 1; }
    if (positives[lo] === a || lo === infBits - 1) return sign | lo;
    const down = a - positives[lo], up = positives[lo + 1] - a;
    const pick = down < up ? lo : up < down ? lo + 1 : (lo % 2 === 0 ? lo : lo + 1);
    return sign | pick;
  };
}

/** Float32 inputs of every class, and values next to each half-format rounding boundary. */
function narrowInputs(value: (b: number) => number, infBits: number): Float32Array {
  const xs: number[] = [0, -0, Infinity, -Infinity, NaN, -NaN, floatOf(0x7fc00001), floatOf(0xff812345), floatOf(0x7f800001),
    floatOf(1), floatOf(0x007fffff), floatOf(0x80000001), 3.4028234663852886e38, -3.4028234663852886e38, 65504, 65519.99, 65520, 65536, 1e5];
  for (let b = 0; b < infBits - 1; b++) {
    const v = value(b), next = value(b + 1);
    const mid = (v + next) / 2;
    for (const x of [v, mid, next, Math.fround(mid), (v * 3 + next) / 4]) {
      const f = Math.fround(x);
      xs.push(f, -f, floatOf(bitsOf(f) + 1), floatOf(bitsOf(f) - 1));
    }
  }
  // Random bit patterns across the whole f32 range.
  let s = 12345;
  for (let i = 0; i < 20000; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; xs.push(floatOf(s)); }
  return Float32Array.from(xs);
}

function checkNarrow(name: string, narrow: (x: Float32Array) => Uint16Array, value: (b: number) => number, expBits: number, mantBits: number, widen: (x: Uint16Array) => Float32Array) {
  const ref = makeNarrowRef(value, expBits, mantBits);
  it(`F32 → ${name} rounds to nearest even on every class (normals, subnormals, ties, ±0, ±inf, NaN)`, () => {
    const xs = narrowInputs(value, ((1 << expBits) - 1) << mantBits);
    const got = narrow(xs);
    const classes = new Set<string>();
    for (let i = 0; i < xs.length; i++) {
      const want = ref(xs[i]);
      classes.add(classOf(got[i], expBits, mantBits));
      if (want === 'nan') {
        if (classOf(got[i], expBits, mantBits) !== 'nan' || (got[i] >> (expBits + mantBits)) !== (bitsOf(xs[i]) >>> 31))
          expect.fail(`${name}(NaN 0x${bitsOf(xs[i]).toString(16)}) gave 0x${got[i].toString(16)}`);
        continue;
      }
      if (got[i] !== want) expect.fail(`${name}(${xs[i]} = 0x${bitsOf(xs[i]).toString(16)}): got 0x${got[i].toString(16)} (${value(got[i])}), want 0x${want.toString(16)} (${value(want)})`);
    }
    expect([...classes].sort()).toEqual(['inf', 'nan', 'normal', 'subnormal', 'zero']);
  });
  it(`F32 → ${name} → F32 is the identity on every ${name} value`, () => {
    const back = narrow(widen(ALL16));
    for (let b = 0; b < 65536; b++) {
      if (classOf(b, expBits, mantBits) === 'nan') continue;
      if (back[b] !== b) expect.fail(`0x${b.toString(16)} came back as 0x${back[b].toString(16)}`);
    }
  });
}

describe('half-float conversion', () => {
  checkWiden('F16', f16ToF32, f16Value, 5, 10);
  checkWiden('BF16', bf16ToF32, bf16Value, 8, 7);
  checkNarrow('F16', f32ToF16, f16Value, 5, 10, f16ToF32);
  checkNarrow('BF16', f32ToBf16, bf16Value, 8, 7, bf16ToF32);

  it('reads views at an offset into a larger buffer', () => {
    const buf = new Uint16Array([0, 0x3c00, 0xc000, 0]);
    expect(Array.from(f16ToF32(buf.subarray(1, 3)))).toEqual([1, -2]);
    const f = new Float32Array([9, 1.5, -0.25]);
    expect(Array.from(f32ToBf16(f.subarray(1)))).toEqual([0x3fc0, 0xbe80]);
  });
});
