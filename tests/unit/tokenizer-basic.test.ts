import { describe, expect, it } from 'vitest';
import { ByteTokenizer, CharTokenizer, StreamingDecoder, tokenizerFromJSON, type Tokenizer } from '../../src/tokenizer';

const CHAT = ['<|user|>', '<|assistant|>', '<|end|>'];

describe('byte tokenizer', () => {
  it('encodes UTF-8 bytes and decodes them back', () => {
    const t = new ByteTokenizer();
    expect(t.vocabSize).toBe(256);
    expect(t.encode('aé€😀')).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    expect(t.decode(t.encode('aé€😀'))).toBe('aé€😀');
    expect(t.encode('')).toEqual([]);
  });

  it('keeps a leading byte order mark', () => {
    const t = new ByteTokenizer();
    expect(t.decode(t.encode('\ufeffx'))).toBe('\ufeffx');
  });

  it('decodes ids that split a character to U+FFFD instead of throwing', () => {
    const t = new ByteTokenizer();
    expect(t.decode([0xe2, 0x82])).toBe('\ufffd');
    expect(t.decode([0x61, 0xf0])).toBe('a\ufffd');
  });

  it('rejects ids outside the vocabulary with a clear error', () => {
    expect(() => new ByteTokenizer().decode([256])).toThrow(/token id 256 is not in this byte tokenizer's vocabulary \(size 256\)/);
  });
});

describe('char tokenizer', () => {
  it('gives one id per code point seen, sorted by code point (astral after BMP private use)', () => {
    const t = CharTokenizer.fromCorpus('ba\u{1f600}\ue000ab');
    expect(t.toJSON().chars).toEqual(['a', 'b', '\ue000', '\u{1f600}']);
    expect(t.encode('ab\u{1f600}')).toEqual([0, 1, 3]);
    expect(t.vocabSize).toBe(4 + 256);
  });

  it('encodes unknown characters as byte fallback ids, so they round-trip', () => {
    const t = CharTokenizer.fromCorpus('abc');
    const ids = t.encode('a€c');
    expect(ids).toEqual([0, 3 + 0xe2, 3 + 0x82, 3 + 0xac, 2]);
    expect(t.decode(ids)).toBe('a€c');
  });

  it('without byte fallback, names the unknown character in the error', () => {
    const t = CharTokenizer.fromCorpus('abc', { byteFallback: false });
    expect(t.vocabSize).toBe(3);
    expect(() => t.encode('ab€')).toThrow(/character "€" \(U\+20AC\) is not in this char tokenizer's vocabulary/);
  });

  it('ignores lone surrogates in the corpus', () => {
    expect(CharTokenizer.fromCorpus('a\ud800b').toJSON().chars).toEqual(['a', 'b']);
  });

  it('rejects a spec whose chars are not single characters', () => {
    const spec = { kind: 'char' as const, version: 1 as const, chars: ['a', 'bc'], byteFallback: true, specialTokens: [] };
    expect(() => tokenizerFromJSON(spec)).toThrow(/chars\[1\] is "bc", not one character/);
  });
});

describe('special tokens', () => {
  const kinds: Array<[string, () => Tokenizer]> = [
    ['byte', () => new ByteTokenizer()],
    ['char', () => CharTokenizer.fromCorpus('hello <|user|> world')],
  ];
  for (const [name, make] of kinds) {
    it(`${name}: appended at the end of the vocabulary, recognised only when allowed`, () => {
      const t = make();
      const base = t.vocabSize;
      expect(t.addSpecialTokens(CHAT)).toEqual([base, base + 1, base + 2]);
      expect(t.addSpecialTokens(['<|end|>'])).toEqual([base + 2]);
      expect(t.vocabSize).toBe(base + 3);
      const text = '<|user|>hello<|end|>';
      expect(t.encode(text, { allowSpecial: true })).toEqual([base, ...t.encode('hello'), base + 2]);
      const plain = t.encode(text);
      expect(plain.some((id) => id >= base)).toBe(false);
      expect(t.decode(plain)).toBe(text);
      expect(t.decode(t.encode(text, { allowSpecial: true }))).toBe(text);
    });
  }

  it('takes the longest special token at the earliest position', () => {
    const t = new ByteTokenizer();
    const [end, endBang] = t.addSpecialTokens(['<|end|>', '<|end|>!']);
    expect(t.encode('x<|end|>!<|end|>', { allowSpecial: true })).toEqual([0x78, endBang, end]);
  });

  it('rejects an empty special token', () => {
    expect(() => new ByteTokenizer().addSpecialTokens([''])).toThrow(/non-empty string/);
  });
});

describe('tokenizer specs (checkpoint metadata)', () => {
  it('rebuild byte and char tokenizers with their special tokens', () => {
    const byte = new ByteTokenizer();
    byte.addSpecialTokens(CHAT);
    const char = CharTokenizer.fromCorpus('some corpus 文本 😀');
    char.addSpecialTokens(CHAT);
    const text = '<|user|>some 文本 new ☃<|end|>';
    for (const t of [byte, char]) {
      const back = tokenizerFromJSON(JSON.parse(JSON.stringify(t)));
      expect(back.kind).toBe(t.kind);
      expect(back.vocabSize).toBe(t.vocabSize);
      expect([...back.specialTokens]).toEqual([...t.specialTokens]);
      expect(back.encode(text, { allowSpecial: true })).toEqual(t.encode(text, { allowSpecial: true }));
    }
  });

  it('reject unknown kinds, versions, and special ids inside the model range', () => {
    expect(() => tokenizerFromJSON({ kind: 'wordpiece', version: 1 } as never)).toThrow(/unknown tokenizer kind "wordpiece"/);
    expect(() => tokenizerFromJSON({ kind: 'byte', version: 2, specialTokens: [] } as never)).toThrow(/version 2 is not supported/);
    expect(() => tokenizerFromJSON({ kind: 'byte', version: 1, specialTokens: [{ content: '<x>', id: 65 }] }))
      .toThrow(/special token "<x>" has id 65, inside the model's ids 0..255/);
    expect(() => tokenizerFromJSON('{not json')).toThrow(/not valid JSON/);
  });
});

describe('StreamingDecoder', () => {
  it('holds back an incomplete character until its last byte arrives', () => {
    const t = new ByteTokenizer();
    const s = new StreamingDecoder(t);
    const out = t.encode('a😀b').map((id) => s.push(id));
    expect(out).toEqual(['a', '', '', '', '😀', 'b']);
    expect(s.flush()).toBe('');
  });

  it('flushes an unfinished character as U+FFFD', () => {
    const s = new StreamingDecoder(new ByteTokenizer());
    expect(s.push(0xe2)).toBe('');
    expect(s.flush()).toBe('\ufffd');
    expect(s.push(0x61)).toBe('a');
  });
});
