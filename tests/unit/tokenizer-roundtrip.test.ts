import { beforeAll, describe, expect, it } from 'vitest';
import { ByteTokenizer, CharTokenizer, StreamingDecoder, trainBpe, type Tokenizer } from '../../src/tokenizer';
import { utf8EncodeInto } from '../../src/tokenizer/utf8';
import { Rng } from '../../src/util/rng';
import { generateCorpus, randomString } from './fixtures/tokenizer/text-gen';

const CHAT = ['<|user|>', '<|assistant|>', '<|end|>'];
const CASES = 400;

function streamDecode(t: Tokenizer, ids: number[]): string {
  const s = new StreamingDecoder(t);
  return ids.map((id) => s.push(id)).join('') + s.flush();
}

/** Random valid strings, long ones included, some with chat special tokens spliced in. */
function randomTexts(seed: number): string[] {
  const rng = new Rng(seed);
  const edges = ['', '\ufeff', '\ufeff\ufeff x', '\0', '\r\n', 'e\u0301', '👩‍👩‍👧‍👦👍🏽', '\u{10ffff}\ufffd\uffff', '<|user', '|>', ...CHAT];
  const texts = [...edges, ...Array.from({ length: CASES }, () => randomString(rng, 40))];
  for (let i = 0; i < 5; i++) texts.push(randomString(rng, 3000));
  for (let i = 0; i < 50; i++) texts.push(randomString(rng, 10) + CHAT[rng.int(3)] + randomString(rng, 10) + CHAT[rng.int(3)]);
  return texts;
}

describe('utf8EncodeInto', () => {
  it('writes the same bytes as TextEncoder, lone surrogates included', () => {
    const rng = new Rng(1);
    const extras = ['\ud800', 'a\udc00b', '\udbff\ud800', '\ud83d\ude00\ud83d', ''];
    for (const s of [...extras, ...Array.from({ length: 300 }, () => randomString(rng, 30))]) {
      const out = new Uint8Array(3 * s.length);
      const n = utf8EncodeInto(s, out, 0);
      expect(out.subarray(0, n)).toEqual(new TextEncoder().encode(s));
    }
  });
});

describe('decode(encode(x)) === x for any valid string', () => {
  const tokenizers: Record<string, Tokenizer> = {};

  beforeAll(async () => {
    const corpus = generateCorpus(2, 60_000);
    tokenizers.byte = new ByteTokenizer();
    tokenizers.char = CharTokenizer.fromCorpus(corpus);
    tokenizers.bpe = await trainBpe(corpus, { vocabSize: 800 });
    for (const t of Object.values(tokenizers)) t.addSpecialTokens(CHAT);
  });

  for (const kind of ['byte', 'char', 'bpe']) {
    it(`${kind}: round-trips random strings, with and without special tokens, one-shot and streamed`, () => {
      const t = tokenizers[kind];
      for (const text of randomTexts(kind.length * 1000 + 7)) {
        for (const allowSpecial of [false, true]) {
          const ids = t.encode(text, { allowSpecial });
          expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < t.vocabSize)).toBe(true);
          expect(t.decode(ids), JSON.stringify(text)).toBe(text);
          expect(streamDecode(t, ids)).toBe(text);
        }
      }
    });

    it(`${kind}: decodes any id sequence without throwing, streamed or not, to the same text`, () => {
      const t = tokenizers[kind];
      const rng = new Rng(17);
      for (let i = 0; i < 300; i++) {
        const ids = Array.from({ length: rng.int(12) }, () => rng.int(t.vocabSize));
        const text = t.decode(ids);
        expect(streamDecode(t, ids)).toBe(text);
      }
    });
  }

  it('char: the byte fallback was exercised (most random characters are not in the corpus)', () => {
    const char = tokenizers.char as CharTokenizer;
    const ids = char.encode(randomString(new Rng(3), 200));
    expect(ids.some((id) => id >= char.charCount && id < char.charCount + 256)).toBe(true);
  });
});
