// The share-link fragment parser: strict keys, types and ranges; hostile input is rejected whole.
import { describe, expect, it } from 'vitest';
import { MAX_FRAGMENT, encodeFragment, parseFragment } from '../../src/share/codec';
import { LINK_FIELDS, MAX_LINK_TEXT, MAX_PROMPT } from '../../src/share/schema';

function errorsOf(hash: string): string[] {
  const r = parseFragment(hash);
  if (r.ok) throw new Error(`expected ${hash} to be rejected, got ${JSON.stringify(r.link)}`);
  return r.errors;
}

describe('parseFragment', () => {
  it('parses typed values with or without the leading #', () => {
    const r = parseFragment('#v=1&preset=small&nLayer=3&lr=3e-4&bias=false&prompt=Once%20upon%20%26%20%3D');
    expect(r).toEqual({ ok: true, link: { v: 1, preset: 'small', nLayer: 3, lr: 3e-4, bias: false, prompt: 'Once upon & =' } });
    expect(parseFragment('steps=20')).toEqual({ ok: true, link: { steps: 20 } });
  });

  it('treats an empty fragment as an empty link and allows an empty prompt', () => {
    expect(parseFragment('')).toEqual({ ok: true, link: {} });
    expect(parseFragment('#')).toEqual({ ok: true, link: {} });
    expect(parseFragment('#prompt=')).toEqual({ ok: true, link: { prompt: '' } });
  });

  it('rejects prototype-shaped keys, plain or percent-encoded, and builds no prototype', () => {
    for (const key of ['__proto__', 'constructor', 'prototype', '%5F%5Fproto%5F%5F']) {
      const errors = errorsOf(`#${key}=1&steps=10`);
      expect(errors.join(' ')).toMatch(/not allowed/);
    }
    expect(errorsOf('#__proto__%5Bpolluted%5D=1')[0]).toMatch(/Unknown setting/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const r = parseFragment('#steps=3');
    expect(r.ok && Object.getPrototypeOf(r.link)).toBe(Object.prototype);
    expect(r.ok && Object.keys(r.link)).toEqual(['steps']);
  });

  it('rejects unknown keys, repeats, missing values and pairs without =', () => {
    expect(errorsOf('#evil=1')).toEqual(['Unknown setting "evil".']);
    expect(errorsOf('#steps=1&steps=2')).toEqual(['"steps" appears more than once.']);
    expect(errorsOf('#steps=')).toEqual(['"steps" has no value.']);
    expect(errorsOf('#steps')).toEqual(['"steps" is not a key=value pair.']);
    expect(errorsOf('#=3')).toEqual(['"=3" is not a key=value pair.']);
  });

  it('reports every problem at once and applies none of the valid pairs', () => {
    const r = parseFragment('#steps=10&nLayer=x&foo=1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(2);
  });

  it('rejects wrong types and malformed numbers', () => {
    expect(errorsOf('#nLayer=2.5')[0]).toMatch(/whole number/);
    expect(errorsOf('#nLayer=0x10')[0]).toMatch(/whole number/);
    expect(errorsOf('#lr=abc')[0]).toMatch(/must be a number/);
    expect(errorsOf('#lr=Infinity')[0]).toMatch(/must be a number/);
    expect(errorsOf('#lr=1e999')[0]).toMatch(/must be a number/);
    expect(errorsOf('#lr=%201')[0]).toMatch(/must be a number/);
    expect(errorsOf('#bias=yes')[0]).toMatch(/true or false/);
    expect(errorsOf('#preset=huge')[0]).toMatch(/one of tiny, small, gpt2/);
    expect(errorsOf('#norm=toString')[0]).toMatch(/one of/);
  });

  it('rejects numbers out of range at both ends', () => {
    for (const [key, spec] of LINK_FIELDS) {
      if (spec.kind !== 'int' && spec.kind !== 'num') continue;
      const step = spec.kind === 'int' ? 1 : Math.max(spec.max * 1e-3, 1e-9);
      expect(errorsOf(`#${key}=${spec.max + step}`)[0], key).toMatch(/must be from/);
      expect(errorsOf(`#${key}=${spec.min - step}`)[0], key).toMatch(/must be from|whole number|must be a number/);
    }
  });

  it('rejects oversize strings, oversize fragments, bad percent-encoding and control characters', () => {
    expect(errorsOf(`#prompt=${'a'.repeat(MAX_PROMPT + 1)}`)[0]).toMatch(/longer than 500/);
    expect(parseFragment(`#prompt=${'a'.repeat(MAX_PROMPT)}`).ok).toBe(true);
    expect(errorsOf(`#text=${'b'.repeat(MAX_LINK_TEXT + 1)}`)[0]).toMatch(/longer than/);
    expect(errorsOf(`#prompt=${'a'.repeat(MAX_FRAGMENT)}`)[0]).toMatch(/too long/);
    expect(errorsOf('#prompt=%E0%A4%A')[0]).toMatch(/percent-encoding/);
    expect(errorsOf('#prompt=a%00b')[0]).toMatch(/control characters/);
    expect(parseFragment('#text=line%0Aline%09tab').ok).toBe(true);
  });

  it('keeps markup as inert text', () => {
    const r = parseFragment(`#prompt=${encodeURIComponent('<img src=x onerror=alert(1)><script>alert(2)</script>')}`);
    expect(r).toEqual({ ok: true, link: { prompt: '<img src=x onerror=alert(1)><script>alert(2)</script>' } });
  });
});

describe('encodeFragment', () => {
  it('writes v=1 first, in schema order, and round-trips through parseFragment', () => {
    const link = { prompt: 'a & b = c?#', steps: 200, preset: 'tiny' as const, lr: 0.0003, bias: false, text: 'x+y 50%' };
    const frag = encodeFragment(link);
    expect(frag.startsWith('v=1&preset=tiny&')).toBe(true);
    expect(parseFragment(`#${frag}`)).toEqual({ ok: true, link: { v: 1, ...link } });
  });

  it('round-trips tiny and huge numbers in range', () => {
    const link = { lr: 1e-7, weightDecay: 0.123456789, seed: 2 ** 31 - 1 };
    expect(parseFragment(encodeFragment(link))).toEqual({ ok: true, link: { v: 1, ...link } });
  });
});
