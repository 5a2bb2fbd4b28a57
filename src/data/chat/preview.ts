// A dataset preview for the app: each token of a rendered example with its text and whether it
// carries loss, so a user can see exactly what SFT trains on. Does not train or batch.
import type { ChatTemplate } from './template';
import { renderForTraining } from './template';
import type { ChatMessage } from './types';

export interface PreviewToken {
  id: number;
  /** The token's own text; a token that is part of a multi-byte character shows its bytes as \xNN. */
  text: string;
  special: boolean;
  loss: boolean;
}

function tokenText(tpl: ChatTemplate, id: number): string {
  const bytes = tpl.tokenizer.tokenBytes(id);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  }
}

export function previewExample(tpl: ChatTemplate, messages: readonly ChatMessage[]): PreviewToken[] {
  const { ids, loss } = renderForTraining(tpl, messages);
  const specials = new Set(tpl.tokenizer.specialTokens.values());
  return ids.map((id, i) => ({ id, text: tokenText(tpl, id), special: specials.has(id), loss: loss[i] }));
}

/** Tokens in the example and how many of them carry loss. */
export function previewStats(tokens: readonly PreviewToken[]): { tokens: number; trained: number } {
  return { tokens: tokens.length, trained: tokens.filter((t) => t.loss).length };
}
