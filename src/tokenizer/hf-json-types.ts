// The subset of Hugging Face's tokenizer.json that a GPT-2 kind tokenizer uses. Types only.

export interface HfAddedToken {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

export interface HfByteLevel {
  type: 'ByteLevel';
  add_prefix_space?: boolean;
  trim_offsets?: boolean;
  use_regex?: boolean;
}

export interface HfBpeModel {
  /** Older files (GPT-2's own) omit the type. */
  type?: 'BPE';
  dropout?: number | null;
  unk_token?: string | null;
  continuing_subword_prefix?: string | null;
  end_of_word_suffix?: string | null;
  fuse_unk?: boolean;
  byte_fallback?: boolean;
  ignore_merges?: boolean;
  vocab: Record<string, number>;
  /** Either "left right" strings (older files) or [left, right] pairs. */
  merges: Array<string | [string, string]>;
}

export interface HfTokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: unknown;
  added_tokens: HfAddedToken[];
  normalizer: null;
  pre_tokenizer: HfByteLevel;
  post_processor: HfByteLevel | null;
  decoder: HfByteLevel | null;
  model: HfBpeModel;
}
