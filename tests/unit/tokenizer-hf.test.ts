import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpeFromTokenizerJson, tokenizerFromJSON, trainBpe, type BpeTokenizer, type HfTokenizerJson } from '../../src/tokenizer';
import { BYTE_TO_CHAR } from '../../src/tokenizer/gpt2-bytes';
import { Rng } from '../../src/util/rng';
import { generateCorpus, randomString } from './fixtures/tokenizer/text-gen';

const CHAT = ['<|user|>', '<|assistant|>', '<|end|>'];
// Written for this test: English, Chinese, emoji (ZWJ sequences, skin tones, flags), numbers,
// punctuation, contractions, and runs of spaces, tabs and newlines.
const MIXED = [
  "Hello, world! It's 2024-06-01 12:34:56.789 — we'll train 3.14159 models; they're fast.",
  '你好，世界！我们在浏览器里训练模型。数字１２３和123混在一起。',
  'Family 👩‍👩‍👧‍👦, thumbs 👍🏽👍🏿, coder 👨🏿‍💻, rainbow flag 🏳️‍🌈, keycap 1️⃣, flag 🇯🇵.',
  'tabs\t\tand   spaces    \n\n\n  indented\n\tcode();\r\n  \t \n',
  '   leading spaces, trailing spaces   ',
  '"quotes" (parens) [brackets] {braces} <angle> @#$%^&*_+=|\\/~`',
  'naïve café Ærøskøbing ﬁ ß İ Ω ∑ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u0301 a\u0308\u0323',
  '',
  ' ',
  '\n',
].join('\n') + '\ufeffBOM\u00a0nbsp\u3000ideographic\u2028line';

const HF_CONFIG = { clean_up_tokenization_spaces: false };

function hfIds(hf: HfTokenizer, text: string): number[] {
  return hf.encode(text, { add_special_tokens: false }).ids;
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** The same tokenizer laid out like GPT-2's own file: byte symbols numbered in alphabet order, merges as "a b" strings, no model.type, <|endoftext|> in vocab and added_tokens. */
function gpt2Layout(json: HfTokenizerJson): Record<string, unknown> {
  const printable = (b: number): boolean => BYTE_TO_CHAR[b].charCodeAt(0) === b;
  const bytes = [...Array(256).keys()];
  const order = [...bytes.filter(printable), ...bytes.filter((b) => !printable(b))];
  const vocab: Record<string, number> = Object.create(null);
  order.forEach((b, i) => { vocab[BYTE_TO_CHAR[b]] = i; });
  let next = 256;
  for (const [name] of Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1])) if (!(name in vocab)) vocab[name] = next++;
  vocab['<|endoftext|>'] = next;
  return {
    ...clone(json),
    added_tokens: [{ id: next, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    model: {
      dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab,
      merges: (json.model.merges as Array<[string, string]>).map(([a, b]) => `${a} ${b}`),
    },
  };
}

describe('Hugging Face tokenizer.json compatibility', () => {
  let trained: BpeTokenizer;
  let json: HfTokenizerJson;
  let samples: string[];

  beforeAll(async () => {
    const corpus = generateCorpus(21, 150_000);
    trained = await trainBpe(corpus, { vocabSize: 1500 });
    trained.addSpecialTokens(CHAT);
    json = trained.toJSON().tokenizerJson;
    const rng = new Rng(99);
    const randoms = Array.from({ length: 300 }, () => randomString(rng, 30));
    samples = [MIXED, ...MIXED.split('\n'), ...corpus.split('\n').slice(0, 200), ...randoms];
  });

  it('exports a file that @huggingface/tokenizers encodes and decodes exactly like us', () => {
    const hf = new HfTokenizer(clone(json), HF_CONFIG);
    for (const text of samples) {
      const ids = trained.encode(text);
      expect(hfIds(hf, text), JSON.stringify(text)).toEqual(ids);
      if (ids.length > 0) expect(hf.decode(ids, HF_CONFIG)).toBe(text);
    }
    expect(trained.encode(MIXED).length).toBeLessThan(new TextEncoder().encode(MIXED).length);
  });

  it('agrees on special tokens when we allow them', () => {
    const hf = new HfTokenizer(clone(json), HF_CONFIG);
    const rng = new Rng(5);
    for (const text of samples.slice(0, 120)) {
      const withChat = `<|user|>${text}<|end|><|assistant|>${text.slice(0, rng.int(text.length + 1))}<|end|>`;
      expect(hfIds(hf, withChat), JSON.stringify(withChat)).toEqual(trained.encode(withChat, { allowSpecial: true }));
    }
  });

  it('loads its own export back (also through the checkpoint spec) to the same tokenizer', () => {
    const fromJson = bpeFromTokenizerJson(JSON.stringify(json));
    const fromSpec = tokenizerFromJSON(JSON.parse(JSON.stringify(trained)));
    expect(fromJson.vocabSize).toBe(1503);
    for (const t of [fromJson, fromSpec]) {
      expect([...t.specialTokens]).toEqual([...trained.specialTokens]);
      for (const text of samples.slice(0, 50)) expect(t.encode(text, { allowSpecial: true })).toEqual(trained.encode(text, { allowSpecial: true }));
    }
    expect(JSON.stringify(fromJson.toJSON().tokenizerJson)).toBe(JSON.stringify(json));
  });

  for (const variant of ['as GPT-2 ships it', 'with add_prefix_space', 'with ignore_merges'] as const) {
    it(`matches @huggingface/tokenizers on a GPT-2 layout file ${variant}`, () => {
      const file = gpt2Layout(json) as Record<string, any>;
      if (variant === 'with add_prefix_space') file.pre_tokenizer.add_prefix_space = true;
      if (variant === 'with ignore_merges') file.model.ignore_merges = true;
      const ours = bpeFromTokenizerJson(file);
      const hf = new HfTokenizer(clone(file), HF_CONFIG);
      const eot = ours.specialTokens.get('<|endoftext|>')!;
      expect(eot).toBe(1500);
      for (const text of [...samples, `a<|endoftext|>b`, `<|endoftext|>${MIXED}<|endoftext|>`]) {
        expect(hfIds(hf, text), JSON.stringify(text)).toEqual(ours.encode(text, { allowSpecial: true }));
      }
      expect(ours.decode([eot])).toBe('<|endoftext|>');
    });
  }

  it('maps bytes without a token to the unk token, as @huggingface/tokenizers does', () => {
    const vocab: Record<string, number> = { '<unk>': 0 };
    for (const c of 'abcdefghijklmnopqrstuvwxyz') vocab[c] = Object.keys(vocab).length;
    vocab.Ġ = Object.keys(vocab).length;
    vocab.ab = Object.keys(vocab).length;
    const file = { ...gpt2Layout(json), added_tokens: [], model: { type: 'BPE', unk_token: '<unk>', vocab, merges: [['a', 'b']] } };
    const ours = bpeFromTokenizerJson(file);
    const hf = new HfTokenizer(clone(file), HF_CONFIG);
    for (const text of ['abc', 'héllo wörld', 'ab 😀 ab']) expect(ours.encode(text)).toEqual(hfIds(hf, text));
    expect(ours.encode('aé')).toEqual([1, 0, 0]);
  });

  it('refuses to drop a byte that has no token when there is no unk token', () => {
    const file = { ...gpt2Layout(json), added_tokens: [], model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } };
    expect(() => bpeFromTokenizerJson(file).encode('abc')).toThrow(/byte 0x63 has no token in this BPE vocabulary and it defines no unk token/);
  });
});

describe('malformed tokenizer.json', () => {
  let base: Record<string, any>;
  beforeAll(async () => {
    const t = await trainBpe('the cat sat on the mat, the end', { vocabSize: 270 });
    t.addSpecialTokens(['<|end|>']);
    base = clone(t.toJSON().tokenizerJson) as Record<string, any>;
  });

  const cases: Array<[string, (j: Record<string, any>) => unknown, RegExp]> = [
    ['missing model', (j) => { delete j.model; return j; }, /invalid tokenizer\.json: "model" is missing/],
    ['model of the wrong type', (j) => { j.model.type = 'WordPiece'; return j; }, /model\.type is "WordPiece"; only "BPE"/],
    ['model not an object', (j) => { j.model = [1]; return j; }, /"model" must be an object, got an array/],
    ['vocab not an object', (j) => { j.model.vocab = ['a']; return j; }, /model\.vocab must be an object mapping token strings to ids/],
    ['vocab id not an integer', (j) => { j.model.vocab.xyzw = 1.5; return j; }, /model\.vocab\["xyzw"\] is 1\.5, not a token id/],
    ['two tokens with one id', (j) => { j.model.vocab.xyzw = 5; return j; }, /model\.vocab gives id 5 to both/],
    ['vocab entry outside the byte alphabet', (j) => { j.model.vocab['a b'] = 999; return j; }, /model\.vocab entry "a b" \(id 999\) contains " ", which is not in the GPT-2 byte-level alphabet/],
    ['merge naming an unknown token', (j) => { j.model.merges.push(['Ġ', 'qqq']); return j; }, /model\.merges\[\d+\] references "qqq", which is not in model\.vocab/],
    ['merge whose result is missing', (j) => { j.model.merges.push(['Ā', 'Ā']); return j; }, /model\.merges\[\d+\] joins "Ā" and "Ā" into "ĀĀ", which is not in model\.vocab/],
    ['malformed merge string', (j) => { j.model.merges.push('abc'); return j; }, /model\.merges\[\d+\] is "abc"; expected "left right" or \["left", "right"\]/],
    ['merges not an array', (j) => { j.model.merges = {}; return j; }, /model\.merges must be an array/],
    ['unk token not in vocab', (j) => { j.model.unk_token = '<unk>'; return j; }, /model\.unk_token "<unk>" is not in model\.vocab/],
    ['byte fallback', (j) => { j.model.byte_fallback = true; return j; }, /model\.byte_fallback is true/],
    ['subword suffix', (j) => { j.model.end_of_word_suffix = '</w>'; return j; }, /model\.end_of_word_suffix is "<\/w>"; .* not supported/],
    ['dropout', (j) => { j.model.dropout = 0.1; return j; }, /model\.dropout is set/],
    ['a normalizer', (j) => { j.normalizer = { type: 'NFC' }; return j; }, /normalizer type "NFC" is not supported/],
    ['another pre-tokenizer', (j) => { j.pre_tokenizer = { type: 'Metaspace' }; return j; }, /pre_tokenizer must be \{"type": "ByteLevel"\} for a GPT-2 kind tokenizer, got type "Metaspace"/],
    ['missing pre-tokenizer', (j) => { delete j.pre_tokenizer; return j; }, /pre_tokenizer must be \{"type": "ByteLevel"\}/],
    ['another decoder', (j) => { j.decoder = { type: 'WordPiece' }; return j; }, /decoder must be null or \{"type": "ByteLevel"\}/],
    ['a template post-processor', (j) => { j.post_processor = { type: 'TemplateProcessing' }; return j; }, /post_processor must be null or \{"type": "ByteLevel"\}/],
    ['added token with lstrip', (j) => { j.added_tokens[0].lstrip = true; return j; }, /added_tokens\[0\] \("<\|end\|>"\) sets lstrip, which is not supported/],
    ['added token clashing with a vocab id', (j) => { j.added_tokens[0].id = 65; return j; }, /added token "<\|end\|>" has id 65, which model\.vocab gives to "A"/],
    ['added token without content', (j) => { j.added_tokens.push({ id: 999 }); return j; }, /added_tokens\[1\]\.content must be a non-empty string/],
    ['added tokens repeated', (j) => { j.added_tokens.push({ ...j.added_tokens[0], id: 999 }); return j; }, /added_tokens\[1\] repeats the token "<\|end\|>"/],
    ['not JSON', () => '{"model": ', /invalid tokenizer\.json: not valid JSON/],
    ['not an object', () => [], /expected a JSON object at the top level, got an array/],
  ];
  for (const [what, mutate, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => bpeFromTokenizerJson(mutate(clone(base)))).toThrow(message);
    });
  }

  it('accepts the unmodified file', () => {
    expect(bpeFromTokenizerJson(clone(base)).vocabSize).toBe(271);
  });
});
