// Incremental decoding for sampling, which produces one token at a time: a token may end in the
// middle of a multi-byte character (byte tokens, BPE pieces of CJK or emoji), so incomplete UTF-8
// is buffered and text is emitted as soon as the character is complete.

import type { Tokenizer } from './types';

export class StreamingDecoder {
  // stream mode keeps a partial character between calls; ignoreBOM keeps a leading U+FEFF as text.
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(private readonly tokenizer: Pick<Tokenizer, 'tokenBytes'>) {}

  /** Text completed by this token ('' while a character is still incomplete). */
  push(id: number): string {
    return this.decoder.decode(this.tokenizer.tokenBytes(id), { stream: true });
  }

  /** End of stream: returns what is left, an unfinished character as U+FFFD, and resets. */
  flush(): string {
    return this.decoder.decode();
  }
}
