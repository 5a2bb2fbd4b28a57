// Write a BPE tokenizer as a Hugging Face tokenizer.json (GPT-2 kind), loadable by
// @huggingface/tokenizers, the Rust `tokenizers` crate, and our own hf-json.ts.

import { bytesToGpt2String } from './gpt2-bytes';
import type { HfTokenizerJson } from './hf-json-types';

/** What the export reads of a BPE tokenizer (bpe-encode.ts's BpeTokenizer has it; named here
 *  structurally so that bpe-encode.ts, which calls this, is not imported back: no cycle). */
export interface BpeExportSource {
  model: { tokens: ReadonlyArray<Uint8Array | undefined>; merges: Int32Array };
  options: { addPrefixSpace: boolean; useRegex: boolean; ignoreMerges: boolean; unkId: number | null };
  addedTokens(): Array<{ content: string; id: number; special: boolean }>;
}

export function toTokenizerJson(bpe: BpeExportSource): HfTokenizerJson {
  const { tokens, merges } = bpe.model;
  const added = bpe.addedTokens();
  const addedById = new Map(added.map((t) => [t.id, t.content]));
  // Null prototype: a token spelled "__proto__" must become a key, not a prototype.
  const vocab: Record<string, number> = Object.create(null);
  const names: string[] = [];
  tokens.forEach((bytes, id) => {
    if (!bytes) return;
    // A special token that also sits in the vocabulary (GPT-2's <|endoftext|>) keeps its own text.
    names[id] = addedById.get(id) ?? bytesToGpt2String(bytes);
    vocab[names[id]] = id;
  });
  const mergeList: Array<[string, string]> = [];
  for (let i = 0; i < merges.length; i += 3) mergeList.push([names[merges[i]], names[merges[i + 1]]]);
  const { addPrefixSpace, useRegex, ignoreMerges, unkId } = bpe.options;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added.map(({ id, content, special }) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: !special, special,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: useRegex },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unkId === null ? null : names[unkId],
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: ignoreMerges,
      vocab,
      merges: mergeList,
    },
  };
}
