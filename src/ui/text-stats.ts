// Counts for the data panel: UTF-8 bytes (= byte-tokenizer tokens), code points (= characters,
// and char-tokenizer tokens) and distinct characters. The last result is cached, since the panel
// re-renders often and the text can be large.

export interface TextStats { bytes: number; codePoints: number; distinct: number }

let cached: { text: string; stats: TextStats } | null = null;

export function textStats(text: string): TextStats {
  if (cached?.text === text) return cached.stats;
  const seen = new Set<number>();
  let codePoints = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    if (c > 0xffff) i++;
    codePoints++;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    seen.add(c);
  }
  const stats = { bytes, codePoints, distinct: seen.size };
  cached = { text, stats };
  return stats;
}
