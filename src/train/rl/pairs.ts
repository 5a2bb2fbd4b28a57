// Preference pairs for DPO as token ids, from chat pairs (the built-in tasks' right / subtly wrong
// answers, or a JSONL file read by src/data/chat/jsonl.ts): both sides must be the same
// conversation up to a final assistant reply; the prompt is that conversation rendered up to
// <|assistant|>, and each reply is its content closed by <|end|>.
import { renderPrompt, type ChatTemplate } from '../../data/chat/template';
import type { PreferencePair as ChatPair } from '../../data/chat/types';
import type { PreferencePair } from './dpo';

export function pairIds(tpl: ChatTemplate, pairs: readonly ChatPair[]): PreferencePair[] {
  return pairs.map((p, i) => {
    const c = p.chosen[p.chosen.length - 1], r = p.rejected[p.rejected.length - 1];
    const context = p.chosen.slice(0, -1);
    if (c?.role !== 'assistant' || r?.role !== 'assistant') throw new Error(`Preference pair ${i + 1}: both sides must end with an assistant reply.`);
    if (JSON.stringify(context) !== JSON.stringify(p.rejected.slice(0, -1))) throw new Error(`Preference pair ${i + 1}: chosen and rejected must share the conversation before the final reply.`);
    const reply = (text: string) => [...tpl.tokenizer.encode(text), tpl.end];
    return { prompt: renderPrompt(tpl, context), chosen: reply(c.content), rejected: reply(r.content) };
  });
}
