// Any supported tokenizer.json → a Tokenizer: the GPT-2 byte-level kind (hf-json.ts) or the
// Llama / SentencePiece byte-fallback kind (hf-json-sp.ts), chosen by the file's pipeline.
// A file of neither kind (WordPiece, Unigram, other pre-tokenizers) is refused in one line.
import { bpeFromTokenizerJson } from './hf-json';
import { spFromTokenizerJson } from './hf-json-sp';
import type { Tokenizer } from './types';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const typeOf = (x: unknown): string => (isObject(x) ? String(x.type) : String(x));

export function tokenizerFromHfJson(input: unknown): Tokenizer {
  let root = input;
  if (typeof input === 'string') {
    try { root = JSON.parse(input); } catch (e) { throw new Error(`invalid tokenizer.json: not valid JSON (${(e as Error).message})`); }
  }
  if (!isObject(root)) throw new Error('invalid tokenizer.json: expected a JSON object at the top level');
  const model = isObject(root.model) ? root.model : {};
  const pre = root.pre_tokenizer;
  if (isObject(pre) && pre.type === 'ByteLevel') return bpeFromTokenizerJson(root);
  const spLike = model.byte_fallback === true || (isObject(pre) && pre.type === 'Metaspace') || JSON.stringify(root.normalizer ?? null).includes('▁');
  if ((model.type ?? 'BPE') === 'BPE' && spLike) return spFromTokenizerJson(root);
  throw new Error(`unsupported tokenizer kind: model ${typeOf(model.type ?? 'BPE')}, pre_tokenizer ${typeOf(pre)}, normalizer ${typeOf(root.normalizer)}; TabGPT reads GPT-2 byte-level BPE and Llama/SentencePiece byte-fallback BPE tokenizer.json files.`);
}
