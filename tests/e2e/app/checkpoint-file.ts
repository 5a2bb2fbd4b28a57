// Real checkpoint files for the app tests, written with the engine's own codec, and broken ones
// made from them the way a bad download or a hand-edited file would be.
import { encodeCheckpoint } from '../../../src/checkpoint/codec';
import { type ConfigOverrides, makeConfig } from '../../../src/model/config';
import { initParams, paramSpecs } from '../../../src/model/params';
import { ByteTokenizer } from '../../../src/tokenizer';

export function checkpointFile(overrides: ConfigOverrides, seed: number, step = 42): Buffer {
  const config = makeConfig(overrides);
  const weights = initParams(config, seed);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: weights[p.name], shape: p.shape }]));
  return Buffer.from(encodeCheckpoint({ config, tokenizer: new ByteTokenizer().toJSON(), stage: 'pretrain', step, params }));
}

/** A safetensors file whose header is cut off mid-JSON (its length prefix is right). */
export function badHeaderFile(): Buffer {
  const header = Buffer.from('{"__metadata__":{"tabgpt.format_version":"1"},"wte":{"dtype":"F32","shape":[2', 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header]);
}

/** About 100 KiB. */
export const SMALL_MODEL: ConfigOverrides = { nLayer: 1, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 16, vocabSize: 256 };
/** About 6.6 MiB. */
export const LARGER_MODEL: ConfigOverrides = { nLayer: 2, dModel: 256, nHead: 4, nKvHead: 4, contextLength: 64, vocabSize: 256 };
