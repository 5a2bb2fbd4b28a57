// How RL turns task text into token ids and back, through the chat template: a prompt is the
// user's question rendered up to <|assistant|>, a response is the reply's ids closed by <|end|>
// (included, so the policy learns to stop), and a sampled response's text is what precedes <|end|>.
// A narrow interface, so RL does not depend on one template.
import { decodeReply, renderPrompt, type ChatTemplate } from '../../data/chat/template';

export interface RlFormat {
  prompt(text: string): number[];
  /** The ids of a response text, stop id included. */
  response(text: string): number[];
  /** The id that ends a response. */
  stopId: number;
  /** The text of sampled ids, without the stop id and anything after it. */
  decode(ids: number[]): string;
}

export function chatFormat(tpl: ChatTemplate): RlFormat {
  return {
    prompt: (text) => renderPrompt(tpl, [{ role: 'user', content: text }]),
    response: (text) => [...tpl.tokenizer.encode(text), tpl.end],
    stopId: tpl.end,
    decode: (ids) => decodeReply(tpl, ids),
  };
}
