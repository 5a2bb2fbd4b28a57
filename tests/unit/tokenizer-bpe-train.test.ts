import { describe, expect, it } from 'vitest';
import { trainBpe, type BpeTokenizer } from '../../src/tokenizer';
import { preTokenize } from '../../src/tokenizer/gpt2-bytes';
import { generateCorpus } from './fixtures/tokenizer/text-gen';

/** Merges as [left, right] id pairs, in rank order. */
function mergePairs(t: BpeTokenizer): Array<[number, number]> {
  const m = t.model.merges, out: Array<[number, number]> = [];
  for (let i = 0; i < m.length; i += 3) out.push([m[i], m[i + 1]]);
  return out;
}

/** Textbook BPE: recount every pair from scratch before each merge. Slow, obviously correct. */
function referenceMerges(text: string, merges: number): Array<[number, number]> {
  const counts = new Map<string, number>();
  for (const p of preTokenize(text)) counts.set(p, (counts.get(p) ?? 0) + 1);
  const words = [...counts].map(([w, f]) => ({ ids: [...new TextEncoder().encode(w)], f }));
  const out: Array<[number, number]> = [];
  for (let next = 256; out.length < merges; next++) {
    const pairs = new Map<string, number>();
    for (const { ids, f } of words) for (let i = 0; i + 1 < ids.length; i++) pairs.set(`${ids[i]},${ids[i + 1]}`, (pairs.get(`${ids[i]},${ids[i + 1]}`) ?? 0) + f);
    let best: [number, number] | null = null, bestCount = 0;
    for (const [k, c] of pairs) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bestCount = c; }
    }
    if (!best) break;
    out.push(best);
    for (const w of words) {
      const ids: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (i + 1 < w.ids.length && w.ids[i] === best[0] && w.ids[i + 1] === best[1]) { ids.push(next); i++; } else ids.push(w.ids[i]);
      }
      w.ids = ids;
    }
  }
  return out;
}

describe('trainBpe', () => {
  it('merges the most frequent pair, ties to the smallest (left, right) ids', async () => {
    // pairs: (a,b) 3, (' ',c) 3, (c,d) 3, (' ',a) 2 -> (' ',c) first, then (a,b), then (' 'c, d)
    const t = await trainBpe('ab ab ab cd cd cd', { vocabSize: 259 });
    expect(mergePairs(t)).toEqual([[32, 99], [97, 98], [256, 100]]);
    expect(t.decode([258])).toBe(' cd');
    expect(t.encode('ab cd')).toEqual([257, 258]);
  });

  it('learns exactly the merges of a from-scratch recount', async () => {
    const text = generateCorpus(7, 12_000);
    const t = await trainBpe(text, { vocabSize: 256 + 250 });
    expect(mergePairs(t)).toEqual(referenceMerges(text, 250));
  });

  it('learns exactly the merges of a from-scratch recount on runs of repeated symbols', async () => {
    const runs = ['aaaa', 'aaa', 'aaaaaaa', 'abababab', 'ababa', 'aab', 'abab', ' '.repeat(9), '\n\n\n', '🙂🙂🙂', 'ééé'].join(' ').repeat(3) + ' bbbbbb';
    // After (a, b) merges, (b, a) ties with (Ġz, b) at 8 and must win on ids; a miscounted (b, a) would lose.
    const abab = Array(10).fill('ababab').join(' ') + ' zba'.repeat(8);
    for (const text of [runs, abab]) {
      const t = await trainBpe(text, { vocabSize: 256 + 40 });
      expect(mergePairs(t)).toEqual(referenceMerges(text, 40));
    }
  });

  it('is deterministic', async () => {
    const text = generateCorpus(3, 30_000);
    const a = await trainBpe(text, { vocabSize: 600 });
    const b = await trainBpe(text, { vocabSize: 600 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('stops early when no pair is left', async () => {
    const t = await trainBpe('ab', { vocabSize: 1000 });
    expect(t.vocabSize).toBe(257);
  });

  it('rejects a vocabulary smaller than the 256 byte ids', async () => {
    await expect(trainBpe('x', { vocabSize: 100 })).rejects.toThrow(/vocabSize must be an integer from 256/);
  });

  it('reports monotone progress ending at 1 and keeps the event loop running', async () => {
    const text = generateCorpus(5, 200_000);
    const fractions: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await trainBpe(text, { vocabSize: 700, yieldEveryMs: 2, onProgress: (f, info) => {
        fractions.push(f);
        expect(info.vocabSize).toBe(256 + info.merges);
      } });
    } finally {
      clearInterval(timer);
    }
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]))).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(ticks).toBeGreaterThan(0);
  });

  it('rejects with an AbortError when cancelled mid-training', async () => {
    const controller = new AbortController();
    const text = generateCorpus(5, 100_000);
    let calls = 0;
    const run = trainBpe(text, { vocabSize: 2000, yieldEveryMs: 0, signal: controller.signal, onProgress: () => { if (++calls === 3) controller.abort(); } });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(3);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(trainBpe('abc', { vocabSize: 300, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(DOMException);
  });
});
