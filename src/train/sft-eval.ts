// Exact-match evaluation of a chat model on held-out task questions: greedy generation with the
// KV-cache sampler from the rendered prompt (ending in <|assistant|>) until <|end|>, then the
// task grader (exact match after normalisation). One submit and one readback per generated token.
import type { KvSampler } from '../model/sampler';
import { decodeReply, renderPrompt, type ChatTemplate } from '../data/chat/template';
import type { EvalItem } from '../tasks';
import { isExactMatch } from '../tasks/grade';

export interface GradedReply {
  family: string;
  question: string;
  expected: string;
  got: string;
  ok: boolean;
}

export interface ExactMatchResult {
  correct: number;
  total: number;
  accuracy: number;
  replies: GradedReply[];
}

export interface ExactMatchOptions {
  /** Longest reply generated (default 24 tokens). */
  maxTokens?: number;
  signal?: AbortSignal;
}

/** Greedy reply ids (without the closing <|end|>). */
export async function greedyReply(sampler: KvSampler, tpl: ChatTemplate, prompt: number[], maxTokens: number, signal?: AbortSignal): Promise<number[]> {
  return sampler.generate(prompt, {
    temperature: 0, topK: 0, topP: 1, seed: 0, maxTokens, signal,
    shouldStop: (out) => out[out.length - 1] === tpl.end,
  });
}

export async function exactMatch(sampler: KvSampler, tpl: ChatTemplate, items: readonly EvalItem[], { maxTokens = 24, signal }: ExactMatchOptions = {}): Promise<ExactMatchResult> {
  if (items.length === 0) throw new Error('There are no held-out questions to evaluate.');
  const replies: GradedReply[] = [];
  for (const item of items) {
    if (signal?.aborted) break;
    const ids = await greedyReply(sampler, tpl, renderPrompt(tpl, item.messages), maxTokens, signal);
    const got = decodeReply(tpl, ids);
    const question = item.messages[item.messages.length - 1].content;
    replies.push({ family: item.family, question, expected: item.answer, got, ok: isExactMatch(got, item.answer) });
  }
  const correct = replies.filter((r) => r.ok).length;
  return { correct, total: replies.length, accuracy: replies.length ? correct / replies.length : 0, replies };
}
