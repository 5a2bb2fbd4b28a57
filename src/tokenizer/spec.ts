// Rebuild a tokenizer from the JSON a checkpoint stores (Tokenizer.toJSON()).

import { preview } from '../util/preview';
import { ByteTokenizer } from './byte';
import { CharTokenizer } from './char';
import { tokenizerFromHfJson } from './hf-json-any';
import type { Tokenizer, TokenizerSpec } from './types';

export function tokenizerFromJSON(spec: TokenizerSpec | string): Tokenizer {
  let s: unknown = spec;
  if (typeof spec === 'string') {
    try { s = JSON.parse(spec); } catch (e) { throw new Error(`tokenizer spec is not valid JSON (${(e as Error).message})`); }
  }
  if (typeof s !== 'object' || s === null) throw new Error('tokenizer spec must be an object');
  const { kind, version } = s as { kind?: unknown; version?: unknown };
  if (version !== 1) throw new Error(`tokenizer spec version ${preview(version)} is not supported (expected 1)`);
  switch (kind) {
    case 'byte': return ByteTokenizer.fromJSON(s as TokenizerSpec & { kind: 'byte' });
    case 'char': return CharTokenizer.fromJSON(s as TokenizerSpec & { kind: 'char' });
    case 'bpe': return tokenizerFromHfJson((s as TokenizerSpec & { kind: 'bpe' }).tokenizerJson);
    default: throw new Error(`unknown tokenizer kind ${preview(kind)} (expected "byte", "char" or "bpe")`);
  }
}
