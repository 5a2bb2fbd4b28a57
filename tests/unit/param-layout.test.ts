import { describe, it, expect } from 'vitest';
import { planParamLayout, segmentCap, TENSOR_ALIGN } from '../../src/model/param-layout';
import { paramSpecs, numel } from '../../src/model/params';
import { presetConfig, LLAMA_STYLE } from '../../src/model/config';
import { sizeClass } from '../../src/gpu/buffer-pool';

describe('flat parameter layout', () => {
  for (const [style, config] of [['gpt2', presetConfig('tiny', { vocabSize: 67 })], ['llama', presetConfig('tiny', { ...LLAMA_STYLE, nKvHead: 2, vocabSize: 67 })]] as const) {
    it(`${style}: every tensor once, 256-byte aligned, no overlaps, decayed tensors first in each segment`, () => {
      const specs = paramSpecs(config);
      for (const cap of [1 << 30, 512 * 1024]) {
        const { slots, segmentBytes } = planParamLayout(specs, cap);
        expect(slots.map((s) => s.name).sort()).toEqual(specs.map((s) => s.name).sort());
        if (cap === 1 << 30) expect(segmentBytes.length).toBe(1);
        else expect(segmentBytes.length).toBeGreaterThan(1);
        for (const [i, bytes] of segmentBytes.entries()) {
          expect(bytes).toBeLessThanOrEqual(cap);
          const inSeg = slots.filter((s) => s.segment === i).sort((a, b) => a.offset - b.offset);
          let end = 0, seenPlain = false;
          for (const s of inSeg) {
            expect(s.offset % TENSOR_ALIGN).toBe(0);
            expect(s.offset).toBeGreaterThanOrEqual(end);
            end = s.offset + 4 * s.n;
            if (!s.decay) seenPlain = true;
            else expect(seenPlain, `${s.name} decayed after a tensor without decay`).toBe(false);
          }
          expect(end).toBeLessThanOrEqual(bytes);
        }
        for (const s of slots) expect(s.n).toBe(numel(specs.find((p) => p.name === s.name)!.shape));
      }
    });
  }

  it('rejects a tensor larger than one binding, naming it', () => {
    expect(() => planParamLayout(paramSpecs(presetConfig('tiny', { vocabSize: 5000 })), 64 * 1024)).toThrow(/Parameter wte .* more than the 65536 bytes/);
  });

  it('caps segments so the pooled (rounded-up) buffer still fits the limit', () => {
    for (const limit of [2 ** 27, 2 ** 31, 4294967292, 134217728 + 4096, 1000000]) {
      const cap = segmentCap(limit);
      expect(cap % TENSOR_ALIGN).toBe(0);
      expect(sizeClass(cap)).toBeLessThanOrEqual(limit);
      expect(cap).toBeGreaterThan(limit * 0.75);
    }
  });
});
