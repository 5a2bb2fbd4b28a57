// How RL turns task text into token ids and back: the prompt's ids (ending where the response
// starts), a response's ids (ending with the stop id, so the policy learns to stop), and the text
// of a sampled response. The plain format is "prompt" + "answer" + stop string, as a model
// fine-tuned on such lines expects; a chat template can implement the same interface.
import type { Tokenizer } from '../../tokenizer';

export interface RlFormat {
  prompt(text: string): number[];
  /** The ids of a response text, stop id included. */
  response(text: string): number[];
  /** The id that ends a response. */
  stopId: number;
  /** The text of sampled ids, without the stop id and anything after it. */
  decode(ids: number[]): string;
}

export function plainFormat(tokenizer: Tokenizer, stop = '\n'): RlFormat {
  const stopIds = tokenizer.encode(stop, { allowSpecial: true });
  if (stopIds.length !== 1) throw new Error(`The stop text ${JSON.stringify(stop)} must be one token of the tokenizer, but it encodes to ${stopIds.length} tokens.`);
  const stopId = stopIds[0];
  return {
    prompt: (text) => tokenizer.encode(text),
    response: (text) => [...tokenizer.encode(text), stopId],
    stopId,
    decode: (ids) => {
      const end = ids.indexOf(stopId);
      return tokenizer.decode(end >= 0 ? ids.slice(0, end) : ids);
    },
  };
}
