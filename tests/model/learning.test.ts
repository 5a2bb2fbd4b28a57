// A 300-step pretraining run of the `tiny` preset on the built-in corpus must bring the validation
// loss well below the corpus's unigram entropy (what a model that ignores context can reach).
// Routed to the llvmpipe adapter (vitest.config.ts): it is the faster software adapter here.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { presetConfig } from '../../src/model/config';
import { PretrainRun } from '../../src/train/pretrain';
import { generateCorpus } from '../../src/data/corpus';
import { splitTokens } from '../../src/data/split';
import { unigramEntropy } from '../../src/data/entropy';
import { CharTokenizer } from '../../src/tokenizer';

describe('pretraining learns', () => {
  it('tiny, 300 steps on the built-in corpus: validation loss well below the unigram entropy', async () => {
    const gpu = await testGpu();
    const text = generateCorpus({ bytes: 400_000 });
    const tokenizer = CharTokenizer.fromCorpus(text);
    const tokens = Int32Array.from(tokenizer.encode(text));
    const config = presetConfig('tiny', { vocabSize: tokenizer.vocabSize });
    const settings = { steps: 300, batchSize: 4, lr: 3e-3, minLr: 3e-4, warmupSteps: 20, evalEvery: 0, evalBatches: 8, valFraction: 0.1, seed: 1 };
    const run = PretrainRun.create(gpu, { config, tokenizer, tokens, settings });
    const entropy = unigramEntropy(splitTokens(tokens, settings.valFraction).train);
    const before = await run.evaluate();
    const t0 = performance.now();
    await run.run();
    const seconds = (performance.now() - t0) / 1000;
    const after = await run.evaluate();
    const sample = await run.sample({ prompt: 'Once there was', maxTokens: 60, temperature: 0.5, seed: 3 });
    console.log(`[learning] unigram entropy ${entropy.toFixed(3)} nats; validation loss ${before.toFixed(3)} -> ${after.toFixed(3)} in ${seconds.toFixed(0)} s (${Math.round((300 * run.tokensPerStep) / seconds)} tok/s)\n  sample: ${JSON.stringify(sample)}`);
    expect(before).toBeGreaterThan(entropy); // an untrained model is worse than unigram statistics
    expect(after).toBeLessThan(entropy - 0.6); // "well below": at least 0.6 nats under
    run.destroy();
  });
});
