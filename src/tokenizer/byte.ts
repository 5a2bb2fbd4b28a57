// Byte-level tokenizer: ids 0..255 are the UTF-8 bytes of the text, special tokens follow.
// Every string round-trips; no training needed.

import { BaseTokenizer } from './base';
import type { ByteTokenizerSpec } from './types';
import { SINGLE_BYTES, utf8Encode } from './utf8';

export class ByteTokenizer extends BaseTokenizer {
  readonly kind = 'byte' as const;

  protected get modelVocabSize(): number { return 256; }

  protected encodeOrdinary(text: string, out: number[]): void {
    for (const b of utf8Encode(text)) out.push(b);
  }

  protected modelTokenBytes(id: number): Uint8Array | undefined {
    return SINGLE_BYTES[id];
  }

  toJSON(): ByteTokenizerSpec {
    return { kind: 'byte', version: 1, specialTokens: this.specialSpecs() };
  }

  static fromJSON(spec: ByteTokenizerSpec): ByteTokenizer {
    const t = new ByteTokenizer();
    t.restoreSpecials(spec.specialTokens);
    return t;
  }
}
