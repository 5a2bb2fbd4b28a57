// The chat template: each message is <|role|> content <|end|>, with no other separators.
//   <|system|>Be brief.<|end|><|user|>What is 2 + 3?<|end|><|assistant|>5<|end|>
// The four markers are special tokens added to the tokenizer (so a checkpoint's tokenizer JSON
// carries them). Message content is encoded WITHOUT allowSpecial: text that spells "<|end|>" stays
// plain text and cannot forge structure. For training, every assistant message's content tokens
// and its closing <|end|> carry loss; everything else is context. A prompt for sampling ends with
// <|assistant|>; generation stops at <|end|>.
// Adding tokens grows the vocabulary: the model must grow too (src/train/chat-vocab.ts).
import type { Tokenizer } from '../../tokenizer';
import type { ChatMessage, Role } from './types';

export const CHAT_TOKENS = ['<|system|>', '<|user|>', '<|assistant|>', '<|end|>'] as const;

export interface ChatTemplate {
  readonly tokenizer: Tokenizer;
  readonly role: Record<Role, number>;
  readonly end: number;
}

/** The ids of a rendered conversation and, per token, whether the model is trained to predict it. */
export interface Rendered {
  ids: number[];
  loss: boolean[];
}

export function hasChatTokens(tokenizer: Tokenizer): boolean {
  return CHAT_TOKENS.every((t) => tokenizer.specialTokens.has(t));
}

/** The template on `tokenizer`, adding the chat tokens to it first if it lacks them (mutates it;
 *  existing tokens keep their ids). */
export function chatTemplate(tokenizer: Tokenizer): ChatTemplate {
  const [system, user, assistant, end] = tokenizer.addSpecialTokens(CHAT_TOKENS);
  return { tokenizer, role: { system, user, assistant }, end };
}

function push(out: Rendered, ids: readonly number[], loss: boolean): void {
  for (const id of ids) { out.ids.push(id); out.loss.push(loss); }
}

/** Renders a whole conversation for training: loss on assistant content and its <|end|>. */
export function renderForTraining(tpl: ChatTemplate, messages: readonly ChatMessage[]): Rendered {
  const out: Rendered = { ids: [], loss: [] };
  for (const m of messages) {
    const learn = m.role === 'assistant';
    push(out, [tpl.role[m.role]], false);
    push(out, tpl.tokenizer.encode(m.content), learn);
    push(out, [tpl.end], learn);
  }
  return out;
}

/** Renders the conversation so far, then <|assistant|>: what generation continues from. */
export function renderPrompt(tpl: ChatTemplate, messages: readonly ChatMessage[]): number[] {
  return [...renderForTraining(tpl, messages).ids, tpl.role.assistant];
}

/** The text of generated ids up to (not including) the first <|end|>. */
export function decodeReply(tpl: ChatTemplate, ids: readonly number[]): string {
  const stop = ids.indexOf(tpl.end);
  return tpl.tokenizer.decode(stop >= 0 ? ids.slice(0, stop) : ids);
}
