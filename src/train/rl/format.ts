// How RL turns task text into token ids and back, through the chat template: a prompt is the
// user's question rendered up to <|assistant|>; a sampled response ends with <|end|> (kept in the
// response, so the policy learns to stop) and its text is what precedes it.
// A narrow interface, so RL does not depend on one template.
import { decodeReply, renderPrompt, type ChatTemplate } from '../../data/chat/template';

export interface RlFormat {
  prompt(text: string): number[];
  /** The id that ends a response. */
  stopId: number;
  /** The text of sampled ids, without the stop id and anything after it. */
  decode(ids: number[]): string;
}

export function chatFormat(tpl: ChatTemplate): RlFormat {
  return {
    prompt: (text) => renderPrompt(tpl, [{ role: 'user', content: text }]),
    stopId: tpl.end,
    decode: (ids) => decodeReply(tpl, ids),
  };
}
