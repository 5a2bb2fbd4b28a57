// Any TabGPT tokenizer as a Hugging Face tokenizer.json that encodes the same ids:
//   bpe   its own file (GPT-2 kind, or the SentencePiece kind it was loaded from)
//   byte  a GPT-2 byte-level BPE whose ids 0..255 are the bytes, with no merges
//   char  a BPE with no merges over the characters, plus "<0xXX>" byte tokens and byte_fallback
//         after them when the tokenizer falls back to bytes; decoder ByteFallback + Fuse
// Special tokens become added_tokens with their ids. Does not write files (src/hf/export.ts).
import { BpeTokenizer } from './bpe-encode';
import { toTokenizerJson } from './hf-json-export';
import type { CharTokenizerSpec, Tokenizer } from './types';
import { SINGLE_BYTES } from './utf8';

type Json = Record<string, unknown>;

const added = (t: Tokenizer) => [...t.specialTokens].map(([content, id]) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));

function charJson(t: Tokenizer, { chars, byteFallback }: CharTokenizerSpec): Json {
  const vocab: Record<string, number> = Object.create(null);
  chars.forEach((c, i) => { vocab[c] = i; });
  if (byteFallback) for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = chars.length + b;
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added(t),
    normalizer: null, pre_tokenizer: null, post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: byteFallback, ignore_merges: false, vocab, merges: [],
    },
  };
}

export function tokenizerJsonOf(t: Tokenizer): Json {
  const spec = t.toJSON();
  switch (spec.kind) {
    case 'bpe': return spec.tokenizerJson as unknown as Json;
    case 'byte': {
      const specials = [...t.specialTokens].map(([content, id]) => ({ content, id, special: true }));
      return toTokenizerJson(new BpeTokenizer({ tokens: SINGLE_BYTES, merges: new Int32Array(0) }, {}, specials)) as unknown as Json;
    }
    case 'char': return charJson(t, spec);
  }
}
