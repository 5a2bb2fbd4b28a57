import { describe, it, expect } from 'vitest';
import { CharTokenizer } from '../../src/tokenizer';
import { presetConfig } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { readCheckpoint } from '../../src/train/pretrain';
import { withChatTokens } from '../../src/train/chat-vocab';

function checkpointBytes(tied: boolean, extraRows = 0) {
  const tokenizer = CharTokenizer.fromCorpus('abcdef ', { byteFallback: false });
  const config = presetConfig('tiny', { dModel: 16, nHead: 2, nKvHead: 2, nLayer: 1, contextLength: 8, vocabSize: tokenizer.vocabSize + extraRows, tiedEmbeddings: tied });
  const w = initParams(config, 3);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: w[p.name], shape: p.shape }]));
  return { bytes: encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), stage: 'pretrain', step: 5, params }), w, V: tokenizer.vocabSize, C: 16 };
}

describe('growing a base model for the chat tokens', () => {
  for (const tied of [true, false]) {
    it(`${tied ? 'tied' : 'untied'}: new rows start at the mean embedding, old rows are unchanged`, () => {
      const { bytes, w, V, C } = checkpointBytes(tied);
      const chat = withChatTokens(readCheckpoint(bytes), 1);
      expect(chat.added).toEqual([V, V + 1, V + 2, V + 3]);
      expect(chat.config.vocabSize).toBe(V + 4);
      expect(chat.tokenizer.vocabSize).toBe(V + 4);
      const names = tied ? ['wte'] : ['wte', 'lm_head.weight'];
      for (const name of names) {
        const grown = chat.weights[name];
        expect(grown.length).toBe((V + 4) * C);
        expect(grown.subarray(0, V * C)).toEqual(w[name]);
        for (let c = 0; c < C; c++) {
          let mean = 0;
          for (let r = 0; r < V; r++) mean += w[name][r * C + c];
          mean /= V;
          // Each new row is the mean plus N(0, 0.02) noise: within 5 standard deviations.
          for (const id of chat.added) expect(Math.abs(grown[id * C + c] - mean)).toBeLessThan(0.1);
        }
      }
      // The grown model is a valid checkpoint of its new config.
      const params = Object.fromEntries(paramSpecs(chat.config).map((p) => [p.name, { data: chat.weights[p.name], shape: p.shape }]));
      const again = readCheckpoint(encodeCheckpoint({ config: chat.config, tokenizer: chat.tokenizer.toJSON(), stage: 'sft', step: 0, params }));
      expect(withChatTokens(again, 1).added).toEqual([]); // already chat-ready: unchanged
    });
  }

  it('uses spare rows when the model is already larger than the tokenizer', () => {
    const { bytes, V } = checkpointBytes(true, 10);
    const chat = withChatTokens(readCheckpoint(bytes), 1);
    expect(chat.config.vocabSize).toBe(V + 10);
    expect(chat.added).toEqual([V, V + 1, V + 2, V + 3]);
  });
});
