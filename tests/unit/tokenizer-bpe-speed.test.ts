import { describe, expect, it } from 'vitest';
import { trainBpe } from '../../src/tokenizer';
import { generateCorpus } from './fixtures/tokenizer/text-gen';

// Speed requirement: a 1000-token vocabulary from ~1 MB of text in seconds, not minutes.
// The bound is loose because this machine's CPUs are shared; the measured times are printed.
describe('BPE training speed', () => {
  it('trains a 1000-token vocabulary on ~1 MB of text within 20 s', async () => {
    const text = generateCorpus(11, 1_000_000);
    const bytes = new TextEncoder().encode(text).length;
    const t0 = performance.now();
    const bpe = await trainBpe(text, { vocabSize: 1000 });
    const trainMs = performance.now() - t0;
    const t1 = performance.now();
    const ids = bpe.encode(text);
    const encodeMs = performance.now() - t1;
    console.log(`BPE: trained ${bpe.mergeCount} merges on ${(bytes / 1e6).toFixed(2)} MB in ${(trainMs / 1000).toFixed(2)} s; `
      + `encoded it to ${ids.length} tokens (${(bytes / ids.length).toFixed(2)} bytes/token) in ${(encodeMs / 1000).toFixed(2)} s`);
    expect(bpe.vocabSize).toBe(1000);
    expect(bpe.decode(ids)).toBe(text);
    expect(trainMs).toBeLessThan(20_000);
  });
});
