// Train/validation split of a token stream: the last `valFraction` of the tokens are validation,
// like nanoGPT's 90/10 split. Split on token boundaries, so no token is cut or shared.
// Does not shuffle: neighbouring text is correlated, and a split at one point keeps the validation
// text unseen during training.

export type TokenArray = Uint32Array | Int32Array;

export interface TokenSplit<A extends TokenArray> {
  train: A; // a view of the first tokens
  val: A;   // a view of the last tokens
}

/** `val` gets round(n · valFraction) tokens, `train` the rest; both are views, not copies. */
export function splitTokens<A extends TokenArray>(tokens: A, valFraction: number): TokenSplit<A> {
  if (!(valFraction >= 0 && valFraction < 1))
    throw new RangeError(`The validation fraction must be in [0, 1), got ${valFraction}.`);
  const cut = tokens.length - Math.round(tokens.length * valFraction);
  return { train: tokens.subarray(0, cut) as A, val: tokens.subarray(cut) as A };
}
