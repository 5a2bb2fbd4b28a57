// Character-level tokenizer built from a corpus: one id per code point seen, sorted by code point.
//
// Characters missing from the corpus are not dropped. With byteFallback (the default) they are
// encoded as their UTF-8 bytes, using 256 byte ids placed right after the characters, so
// decode(encode(x)) === x for every valid string. With byteFallback: false the vocabulary is
// exactly the corpus characters and encoding an unknown character throws an error naming it.
// Lone surrogates in the corpus are not valid text and get no id.

import { preview } from '../util/preview';
import { BaseTokenizer } from './base';
import type { CharTokenizerSpec } from './types';
import { SINGLE_BYTES, utf8Encode } from './utf8';

export interface CharTokenizerOptions {
  byteFallback?: boolean;
}

export class CharTokenizer extends BaseTokenizer {
  readonly kind = 'char' as const;
  readonly byteFallback: boolean;
  private readonly chars: readonly string[];
  private readonly charBytes: readonly Uint8Array[];
  private readonly idOfCodePoint = new Map<number, number>();

  private constructor(chars: readonly string[], byteFallback: boolean) {
    super();
    this.chars = chars;
    this.byteFallback = byteFallback;
    this.charBytes = chars.map(utf8Encode);
    chars.forEach((c, i) => this.idOfCodePoint.set(c.codePointAt(0)!, i));
  }

  static fromCorpus(corpus: string, options: CharTokenizerOptions = {}): CharTokenizer {
    const seen = new Set<number>();
    for (const c of corpus) {
      const cp = c.codePointAt(0)!;
      if (cp < 0xd800 || cp > 0xdfff) seen.add(cp);
    }
    const chars = [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
    return new CharTokenizer(chars, options.byteFallback ?? true);
  }

  static fromJSON(spec: CharTokenizerSpec): CharTokenizer {
    if (!Array.isArray(spec.chars)) throw new Error('char tokenizer spec: chars must be an array of single characters');
    const seen = new Set<string>();
    spec.chars.forEach((c, i) => {
      const isOneCodePoint = typeof c === 'string' && c.length > 0 && [...c].length === 1;
      if (!isOneCodePoint) throw new Error(`char tokenizer spec: chars[${i}] is ${preview(c)}, not one character`);
      if (seen.has(c)) throw new Error(`char tokenizer spec: chars[${i}] ${JSON.stringify(c)} appears twice`);
      seen.add(c);
    });
    if (typeof spec.byteFallback !== 'boolean') throw new Error('char tokenizer spec: byteFallback must be true or false');
    const t = new CharTokenizer([...spec.chars], spec.byteFallback);
    t.restoreSpecials(spec.specialTokens);
    return t;
  }

  /** Number of character ids (byte fallback ids and special tokens come after them). */
  get charCount(): number { return this.chars.length; }

  protected get modelVocabSize(): number {
    return this.chars.length + (this.byteFallback ? 256 : 0);
  }

  protected encodeOrdinary(text: string, out: number[]): void {
    for (const c of text) {
      const id = this.idOfCodePoint.get(c.codePointAt(0)!);
      if (id !== undefined) out.push(id);
      else if (this.byteFallback) for (const b of utf8Encode(c)) out.push(this.chars.length + b);
      else throw new Error(`character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in this char tokenizer's vocabulary, and byte fallback is off`);
    }
  }

  protected modelTokenBytes(id: number): Uint8Array | undefined {
    if (id < this.chars.length) return this.charBytes[id];
    return this.byteFallback ? SINGLE_BYTES[id - this.chars.length] : undefined;
  }

  toJSON(): CharTokenizerSpec {
    return { kind: 'char', version: 1, chars: [...this.chars], byteFallback: this.byteFallback, specialTokens: this.specialSpecs() };
  }
}
