// Real checkpoint files for the app tests, written with the engine's own codec, so the tests hold
// whether import only stores bytes or fully decodes them (validateCheckpointBytes).
import { encodeCheckpoint } from '../../../src/checkpoint/codec';
import { type ConfigOverrides, makeConfig } from '../../../src/model/config';
import { initParams, paramSpecs } from '../../../src/model/params';

export function checkpointFile(overrides: ConfigOverrides, seed: number, step = 42): Buffer {
  const config = makeConfig(overrides);
  const weights = initParams(config, seed);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
  return Buffer.from(encodeCheckpoint({ config, tokenizer: { kind: 'byte' }, stage: 'pretrain', step, params }));
}

/** About 100 KiB. */
export const SMALL_MODEL: ConfigOverrides = { nLayer: 1, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 16, vocabSize: 256 };
/** About 6.6 MiB. */
export const LARGER_MODEL: ConfigOverrides = { nLayer: 2, dModel: 256, nHead: 4, nKvHead: 4, contextLength: 64, vocabSize: 256 };
