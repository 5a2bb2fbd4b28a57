// Making room for the chat tokens in a base model. Adding <|user|> etc. to the tokenizer appends
// ids at the end of its vocabulary, so the token embedding (wte) — and the LM head when it is not
// tied — needs a row for each: the config's vocabSize grows to fit and the rows of the new ids
// start at the mean of the base tokens' rows plus small seeded noise (so they differ from each
// other), which puts them among the ordinary tokens instead of at an arbitrary point.
// A checkpoint that already has the tokens (an SFT checkpoint) passes through unchanged.
import type { Checkpoint } from '../checkpoint/codec';
import type { ModelConfig } from '../model/config';
import { Rng } from '../util/rng';
import { tokenizerFromJSON, type Tokenizer } from '../tokenizer';
import { chatTemplate, type ChatTemplate } from '../data/chat/template';

/** Noise on the new rows, as GPT-2's embedding init. */
const NEW_ROW_STD = 0.02;

/** (rows, C) → (vocabSize, C): old rows kept, new rows zero. */
function growRows(w: Float32Array, C: number, vocabSize: number): Float32Array {
  const out = new Float32Array(vocabSize * C);
  out.set(w.subarray(0, Math.min(w.length, vocabSize * C)));
  return out;
}

/** Sets rows `ids` of `w` (·, C) to the mean of rows [0, baseRows) plus N(0, NEW_ROW_STD) noise. */
export function initRowsToMean(w: Float32Array, C: number, baseRows: number, ids: readonly number[], rng: Rng): void {
  const mean = new Float64Array(C);
  for (let r = 0; r < baseRows; r++) for (let c = 0; c < C; c++) mean[c] += w[r * C + c];
  for (let c = 0; c < C; c++) mean[c] /= Math.max(1, baseRows);
  for (const id of ids) for (let c = 0; c < C; c++) w[id * C + c] = mean[c] + NEW_ROW_STD * rng.normal();
}

export interface ChatModel {
  config: ModelConfig;
  weights: Record<string, Float32Array>;
  tokenizer: Tokenizer;
  template: ChatTemplate;
  /** Ids the chat tokens got now (empty when the checkpoint already had them). */
  added: number[];
}

/** The checkpoint's model and tokenizer with the chat tokens in both. */
export function withChatTokens(ck: Checkpoint<ModelConfig>, seed: number): ChatModel {
  const tokenizer = tokenizerFromJSON(ck.tokenizer as never);
  const before = tokenizer.vocabSize;
  if (before > ck.config.vocabSize) throw new Error(`The checkpoint's tokenizer has ${before} tokens but its model only ${ck.config.vocabSize}; the checkpoint is inconsistent.`);
  const template = chatTemplate(tokenizer);
  const added = [...Object.values(template.role), template.end].filter((id) => id >= before).sort((a, b) => a - b);
  const weights = Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, v.data]));
  if (added.length === 0) return { config: ck.config, weights, tokenizer, template, added };
  const vocabSize = Math.max(ck.config.vocabSize, tokenizer.vocabSize);
  const C = ck.config.dModel;
  const rng = new Rng(seed);
  const matrices = ck.config.tiedEmbeddings ? ['wte'] : ['wte', 'lm_head.weight'];
  for (const name of matrices) {
    const grown = growRows(weights[name], C, vocabSize);
    initRowsToMean(grown, C, before, added, rng);
    weights[name] = grown;
  }
  return { config: { ...ck.config, vocabSize }, weights, tokenizer, template, added };
}
