// A tokenizer of a chosen kind for a training text: byte (fixed), char (the text's characters, with
// byte fallback) or byte-level BPE trained on the text. Async because BPE training yields to the
// event loop and reports progress. Does not choose the kind (the user or the corpus does).
import { ByteTokenizer } from './byte';
import { CharTokenizer } from './char';
import { trainBpe } from './bpe-train';
import type { Tokenizer } from './types';

export const TEXT_TOKENIZERS = ['char', 'byte', 'bpe'] as const;
export type TextTokenizerKind = (typeof TEXT_TOKENIZERS)[number];

export interface TokenizerForTextOptions {
  /** BPE only: 256 byte ids + merges. */
  vocabSize?: number;
  signal?: AbortSignal;
  /** BPE only: training progress in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

export async function tokenizerForText(kind: string, text: string, { vocabSize, signal, onProgress }: TokenizerForTextOptions = {}): Promise<Tokenizer> {
  switch (kind) {
    case 'byte': return new ByteTokenizer();
    case 'char': return CharTokenizer.fromCorpus(text);
    case 'bpe':
      if (vocabSize === undefined) throw new Error('A BPE tokenizer needs a vocabulary size (256 bytes + merges).');
      return trainBpe(text, { vocabSize, signal, onProgress });
    default: throw new Error(`Unknown tokenizer "${kind}". Tokenizers: ${TEXT_TOKENIZERS.join(', ')}.`);
  }
}
