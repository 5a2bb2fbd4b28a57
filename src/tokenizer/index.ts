// Tokenizers: byte-level, character-level (with byte fallback) and byte-level BPE (trainable in
// the app, loadable from / exportable to a Hugging Face tokenizer.json of GPT-2's kind).
// Every tokenizer decodes through bytes, so decode(encode(x)) === x for any valid string.

export type { EncodeOptions, Tokenizer, TokenizerKind, TokenizerSpec, ByteTokenizerSpec, CharTokenizerSpec, BpeTokenizerSpec, SpecialTokenSpec } from './types';
export type { HfTokenizerJson } from './hf-json-types';
export { ByteTokenizer } from './byte';
export { CharTokenizer, type CharTokenizerOptions } from './char';
export { BpeTokenizer, type BpeOptions, type BpeModel } from './bpe-encode';
export { trainBpe, type TrainBpeOptions, type TrainBpeProgress } from './bpe-train';
export { bpeFromTokenizerJson } from './hf-json';
export { tokenizerFromHfJson } from './hf-json-any';
export { SpBpeTokenizer } from './sp-bpe';
export { toTokenizerJson } from './hf-json-export';
export { StreamingDecoder } from './streaming';
export { tokenizerFromJSON } from './spec';
export { tokenizerForText, TEXT_TOKENIZERS, type TextTokenizerKind, type TokenizerForTextOptions } from './for-text';
