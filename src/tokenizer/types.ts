// The tokenizer contract shared by the byte, char and BPE tokenizers, and the JSON specs a
// checkpoint stores to rebuild one (see spec.ts). Types only.

import type { HfTokenizerJson } from './hf-json-types';

export type TokenizerKind = 'byte' | 'char' | 'bpe';

export interface EncodeOptions {
  /**
   * Recognise special tokens (e.g. `<|user|>`) in the text and emit their ids. Off by default:
   * text typed by a user that happens to spell a special token is then encoded as plain text,
   * so it cannot forge chat-template structure.
   */
  allowSpecial?: boolean;
}

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One more than the largest id, special tokens included. */
  readonly vocabSize: number;
  /** Special token text -> id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  encode(text: string, options?: EncodeOptions): number[];
  /** Lenient: ids that split a character decode to U+FFFD rather than throwing. */
  decode(ids: ArrayLike<number>): string;
  /** The UTF-8 bytes one id stands for (a special token's bytes are its text). Do not modify. */
  tokenBytes(id: number): Uint8Array;
  /** Append special tokens at the end of the vocabulary; returns their ids (existing names keep theirs). */
  addSpecialTokens(names: readonly string[]): number[];
  toJSON(): TokenizerSpec;
}

export interface SpecialTokenSpec {
  content: string;
  id: number;
}

export interface ByteTokenizerSpec {
  kind: 'byte';
  version: 1;
  specialTokens: SpecialTokenSpec[];
}

export interface CharTokenizerSpec {
  kind: 'char';
  version: 1;
  /** One code point per entry; entry i has id i. */
  chars: string[];
  /** When true, ids chars.length .. chars.length + 255 are the raw bytes 0..255. */
  byteFallback: boolean;
  specialTokens: SpecialTokenSpec[];
}

export interface BpeTokenizerSpec {
  kind: 'bpe';
  version: 1;
  /** A Hugging Face tokenizer.json (GPT-2 kind); special tokens live in its added_tokens. */
  tokenizerJson: HfTokenizerJson;
}

export type TokenizerSpec = ByteTokenizerSpec | CharTokenizerSpec | BpeTokenizerSpec;
