// Applying a parsed share link to settings: all-or-nothing, checked by the engine's makeConfig.
import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/model/params';
import { applyLink, settingsToLink } from '../../src/share/apply';
import { encodeFragment, parseFragment } from '../../src/share/codec';
import { MAX_LINK_TEXT } from '../../src/share/schema';
import { type Settings, defaultSettings, presetModel } from '../../src/share/settings';

function apply(hash: string, base: Settings = defaultSettings()): Settings {
  const parsed = parseFragment(hash);
  if (!parsed.ok) throw new Error(parsed.errors.join(' '));
  const r = applyLink(base, parsed.link);
  if (!r.ok) throw new Error(r.errors.join(' '));
  return r.settings;
}

function applyErrors(hash: string): string[] {
  const parsed = parseFragment(hash);
  if (!parsed.ok) return parsed.errors;
  const r = applyLink(defaultSettings(), parsed.link);
  if (r.ok) throw new Error(`expected ${hash} to be rejected`);
  return r.errors;
}

describe('applyLink', () => {
  it('applies a preset, then the fields that override it', () => {
    const s = apply('#preset=small&nLayer=3&steps=123&temperature=0.5&stage=data');
    expect(s.model).toEqual({ ...presetModel('small'), nLayer: 3 });
    expect(s.preset).toBe('small');
    expect(s.train.steps).toBe(123);
    expect(s.sample.temperature).toBe(0.5);
    expect(s.stage).toBe('data');
  });

  it('matches GPT-2 small: 124,439,808 parameters', () => {
    expect(countParams(apply('#preset=gpt2&tokenizer=bpe').model)).toBe(124_439_808);
  });

  it('rejects the gpt2 tokenizer, which would need a tokenizer.json this app cannot fetch', () => {
    expect(parseFragment('#tokenizer=gpt2')).toEqual({ ok: false, errors: ['"tokenizer" must be one of char, byte, bpe.'] });
  });

  it('keeps plain multi-head attention when a link sets only nHead, as the model form does', () => {
    expect(apply('#preset=tiny&nHead=2').model).toMatchObject({ nHead: 2, nKvHead: 2 });
    expect(apply('#preset=tiny&nHead=8&nKvHead=2').model).toMatchObject({ nHead: 8, nKvHead: 2 });
  });

  it('spells out grouped-query KV heads, so such a link round-trips', () => {
    const s = apply('#preset=tiny&nHead=8&nKvHead=4');
    const { link } = settingsToLink(s);
    expect(link).toMatchObject({ nHead: 8, nKvHead: 4 });
    expect(apply(`#${encodeFragment(link)}`).model).toEqual(s.model);
  });

  it('recomputes the MLP width when dModel or mlp change', () => {
    const s = apply('#preset=tiny&dModel=96&nHead=3&nKvHead=3&mlp=swiglu');
    expect(s.model.mlpHidden).toBe(256);
  });

  it('carries pasted text only with data=text', () => {
    const s = apply(`#data=text&text=${encodeURIComponent('to be or not to be')}`);
    expect(s.data).toMatchObject({ source: 'text', text: 'to be or not to be' });
    expect(applyErrors('#text=hello')[0]).toMatch(/only allowed together with "data=text"/);
    expect(applyErrors('#data=text')[0]).toMatch(/non-empty "text"/);
  });

  it('rejects inconsistent models through makeConfig and vocab fixed by the tokenizer', () => {
    expect(applyErrors('#dModel=100&nHead=3')[0]).toMatch(/divisible by nHead/);
    expect(applyErrors('#tokenizer=byte&vocabSize=300')[0]).toMatch(/vocabulary of 256/);
    expect(applyErrors('#warmup=50&steps=10')[0]).toMatch(/Warm-up/);
  });

  it('leaves the base settings untouched', () => {
    const base = defaultSettings();
    const before = JSON.stringify(base);
    applyLink(base, { nLayer: 7, steps: 9 });
    applyLink(base, { dModel: 100, nHead: 3 });
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe('settingsToLink', () => {
  it('writes only what differs and round-trips to the same settings', () => {
    const s = apply('#preset=small&nLayer=5&positions=rope&lr=0.002&prompt=Hi&data=text&text=abc%20abc');
    const { link, notes } = settingsToLink(s);
    expect(notes).toEqual([]);
    expect(link).toEqual({ preset: 'small', nLayer: 5, positions: 'rope', lr: 0.002, prompt: 'Hi', data: 'text', text: 'abc abc' });
    expect(apply(`#${encodeFragment(link)}`)).toEqual(s);
  });

  it('defaults give a one-key link', () => {
    expect(encodeFragment(settingsToLink(defaultSettings()).link)).toBe('v=1&preset=tiny');
  });

  it('leaves out long training text and says so', () => {
    const s = defaultSettings();
    s.data = { ...s.data, source: 'file', text: 'x'.repeat(MAX_LINK_TEXT + 1), fileName: 'big.txt' };
    const { link, notes } = settingsToLink(s);
    expect(link.data).toBeUndefined();
    expect(notes[0]).toMatch(/leaves out your training text/);
  });
});
