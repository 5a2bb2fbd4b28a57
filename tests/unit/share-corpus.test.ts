// The share link's `corpus` key: strictly parsed against the corpus registry, applied with the
// corpus's defaults (tokenizer, BPE vocabulary, sample prompt), refused with pasted text, and
// written back by settingsToLink so that every combination round-trips.
import { describe, expect, it } from 'vitest';
import { CORPORA, CORPUS_NAMES, corpusInfo } from '../../src/data/corpora';
import { applyLink, settingsToLink } from '../../src/share/apply';
import { encodeFragment, parseFragment } from '../../src/share/codec';
import { type Settings, defaultSettings, presetModel, TOKENIZERS } from '../../src/share/settings';

function apply(hash: string, base: Settings = defaultSettings()): Settings {
  const parsed = parseFragment(hash);
  if (!parsed.ok) throw new Error(parsed.errors.join(' '));
  const r = applyLink(base, parsed.link);
  if (!r.ok) throw new Error(r.errors.join(' '));
  return r.settings;
}

describe('the corpus key', () => {
  it('accepts exactly the registry names', () => {
    for (const name of CORPUS_NAMES) expect(parseFragment(`#corpus=${name}`)).toEqual({ ok: true, link: { corpus: name } });
    expect(parseFragment('#corpus=shakespeare')).toEqual({ ok: false, errors: [`"corpus" must be one of ${CORPUS_NAMES.join(', ')}.`] });
    expect(parseFragment('#corpus=LUNYU').ok).toBe(false);
    expect(parseFragment('#corpus=lunyu&corpus=world')).toEqual({ ok: false, errors: ['"corpus" appears more than once.'] });
    expect(parseFragment('#corpus=').ok).toBe(false);
  });

  it('selects the built-in corpus with its default tokenizer and sample prompt', () => {
    const s = apply('#corpus=lunyu&steps=70');
    const info = corpusInfo('lunyu');
    expect(s.data).toMatchObject({ source: 'builtin', corpus: 'lunyu', tokenizer: info.tokenizers[0], text: '' });
    expect(s.sample.prompt).toBe(info.samplePrompt);
    expect(s.sample.prompt).toMatch(/\p{Script=Han}/u);
    expect(s.train.steps).toBe(70);
  });

  it('lets the link choose another tokenizer and prompt', () => {
    const s = apply('#corpus=analects&tokenizer=byte&prompt=%E5%AD%9F%E5%AD%90');
    expect(s.data).toMatchObject({ corpus: 'analects', tokenizer: 'byte' });
    expect(s.model.vocabSize).toBe(256);
    expect(s.sample.prompt).toBe('孟子');
  });

  it('gives BPE the corpus\'s vocabulary unless the link sets one', () => {
    expect(apply('#corpus=analects&tokenizer=bpe').model.vocabSize).toBe(corpusInfo('analects').bpeVocab);
    expect(apply('#corpus=lunyu&tokenizer=bpe&vocabSize=700').model.vocabSize).toBe(700);
  });

  it('switches from pasted text back to the built-in corpus it names', () => {
    const base = apply('#data=text&text=abc');
    expect(apply('#corpus=lunyu', base).data).toMatchObject({ source: 'builtin', corpus: 'lunyu', text: '' });
  });

  it('is refused together with pasted text, and nothing is applied', () => {
    const parsed = parseFragment('#data=text&text=abc&corpus=lunyu');
    if (!parsed.ok) throw new Error('expected the link to parse');
    expect(applyLink(defaultSettings(), parsed.link)).toEqual({ ok: false, errors: ['"corpus" names a built-in corpus, so it cannot go with "data=text".'] });
  });

  it('leaves a link without the key as before: the generated world and the current tokenizer', () => {
    const s = apply('#preset=tiny');
    expect(s.data).toMatchObject({ source: 'builtin', corpus: 'world', tokenizer: defaultSettings().data.tokenizer });
    expect(settingsToLink(defaultSettings()).link).toEqual({ preset: 'tiny' });
  });

  it('round-trips every corpus with every tokenizer, vocabulary and prompt', () => {
    for (const c of CORPORA) {
      for (const tokenizer of TOKENIZERS) {
        for (const vocabSize of tokenizer === 'byte' ? [256] : [c.bpeVocab, 999]) {
          for (const prompt of [c.samplePrompt, 'Once there was', '曾子曰']) {
            const s: Settings = { ...defaultSettings(), data: { source: 'builtin', corpus: c.name, text: '', fileName: '', tokenizer },
              model: { ...presetModel('tiny', tokenizer), vocabSize }, sample: { ...defaultSettings().sample, prompt } };
            const { link } = settingsToLink(s);
            expect(link.corpus).toBe(c.name === 'world' ? undefined : c.name);
            const back = apply(`#${encodeFragment(link)}`);
            expect(back.data).toEqual(s.data);
            expect(back.model).toEqual(s.model);
            expect(back.sample).toEqual(s.sample);
          }
        }
      }
    }
  });

  it('writes the shortest link for a corpus at its defaults', () => {
    const s = apply('#corpus=lunyu');
    expect(settingsToLink(s).link).toEqual({ preset: 'tiny', corpus: 'lunyu' });
    const bpe = apply('#corpus=analects&tokenizer=bpe');
    expect(settingsToLink(bpe).link).toEqual({ preset: 'tiny', corpus: 'analects', tokenizer: 'bpe' });
  });
});
