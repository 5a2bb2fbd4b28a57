// Unigram entropy: the loss of the best model that ignores context entirely. A trained model's
// validation loss should end well below it; near it means the model only learned token frequencies.
// In nats per token (natural log), the unit of cross-entropy loss; divide by Math.LN2 for bits.

/** Entropy in nats per token of the token frequencies. A string is measured over its UTF-8 bytes,
 *  i.e. as a byte-level tokenizer would see it. Empty input has entropy 0. */
export function unigramEntropy(input: ArrayLike<number> | string): number {
  const tokens = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const counts = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) counts.set(tokens[i], (counts.get(tokens[i]) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / tokens.length;
    h -= p * Math.log(p);
  }
  return h;
}
