// Load-time checks of checkpoints named on the command line (src/cli/checkpoint-check.ts,
// src/checkpoint/finite.ts): the wrong stage and non-finite weights are refused with the stage and
// the tensor named. The fixtures are real checkpoints that the stages' own readers accept.
import { describe, expect, it } from 'vitest';
import { checkCheckpointBytes, LANGUAGE_MODEL_STAGES } from '../../src/cli/checkpoint-check';
import { findNonFinite } from '../../src/checkpoint/finite';
import type { DecodedTensor } from '../../src/checkpoint/safetensors';
import { readCheckpoint } from '../../src/train/pretrain';
import { readRewardCheckpoint } from '../../src/train/reward';
import { checkpointBytes } from './fixtures/cli-checkpoints';

const asSft = { option: '--from', stage: 'sft', accepts: LANGUAGE_MODEL_STAGES };

describe('stage mismatch', () => {
  const reward = checkpointBytes('reward');

  it('the fixture is a reward checkpoint the reward reader accepts', () => {
    expect(readRewardCheckpoint(reward).stage).toBe('reward');
  });

  it('a reward checkpoint into --stage sft or rl says it is a reward-model checkpoint', () => {
    for (const stage of ['sft', 'rl']) {
      expect(() => checkCheckpointBytes('rm.safetensors', reward, { ...asSft, stage })).toThrow(
        `--from rm.safetensors is a reward-model checkpoint (stage "reward"), but --stage ${stage} --from takes a pretrain, sft or rl checkpoint.`
        + ' A reward model goes to --stage rl --reward, or to --stage reward to train it further.');
    }
  });

  it('an SFT checkpoint as --reward says what it is and what --reward takes', () => {
    expect(() => checkCheckpointBytes('sft.safetensors', checkpointBytes('sft'), { option: '--reward', stage: 'rl', accepts: ['reward'] })).toThrow(
      '--reward sft.safetensors is an SFT checkpoint (stage "sft"), but --stage rl --reward takes only a reward checkpoint.');
  });

  it('a stage this CLI does not know is named as written', () => {
    expect(() => checkCheckpointBytes('x', checkpointBytes('distill'), asSft)).toThrow(
      '--from x is a checkpoint of stage "distill", but --stage sft --from takes a pretrain, sft or rl checkpoint.');
  });

  it('accepted stages pass', () => {
    for (const stage of LANGUAGE_MODEL_STAGES) checkCheckpointBytes('x', checkpointBytes(stage), asSft);
    checkCheckpointBytes('rm', reward, { option: '--from', stage: 'reward', accepts: [...LANGUAGE_MODEL_STAGES, 'reward'] });
  });

  it('a file that is not safetensors says so', () => {
    expect(() => checkCheckpointBytes('notes.txt', new TextEncoder().encode('hi'), asSft)).toThrow(
      '--from notes.txt cannot be read as a checkpoint: The file has 2 bytes; a safetensors file starts with an 8-byte header length.');
  });
});

describe('non-finite weights', () => {
  it('an all-NaN checkpoint (which the model reader accepts) is refused, naming its first tensor', () => {
    const nan = checkpointBytes('pretrain', (w) => { for (const k in w) w[k].fill(NaN); });
    const params = readCheckpoint(nan).params;
    expect(params.wte.data[0]).toBeNaN();
    expect(() => checkCheckpointBytes('nan.safetensors', nan, asSft)).toThrow(
      `--from nan.safetensors has non-finite values: tensor "h.0.attn.proj.bias" holds NaN at element 0 (${Object.keys(params).length} tensors hold NaN or ±Infinity). `
      + 'Training or sampling from it cannot work; use an earlier checkpoint.');
  });

  it('one infinite element is found where it is', () => {
    const inf = checkpointBytes('sft', (w) => { w['lnf.weight'][5] = -Infinity; });
    expect(() => checkCheckpointBytes('a', inf, asSft)).toThrow(
      '--from a has non-finite values: tensor "lnf.weight" holds -Infinity at element 5. Training or sampling from it cannot work; use an earlier checkpoint.');
  });
});

describe('findNonFinite', () => {
  const t = (dtype: DecodedTensor['dtype'], data: DecodedTensor['data']): DecodedTensor => ({ dtype, shape: [data.length], data });

  it('reads F32, F64, F16 and BF16, in map order, and counts the tensors', () => {
    const tensors = new Map<string, DecodedTensor>([
      ['ok', t('F32', Float32Array.of(1, -2, 3e38))],
      ['half', t('F16', Uint16Array.of(0x3c00, 0x7bff, 0xfc00))],      // 1, 65504, -Inf
      ['bf', t('BF16', Uint16Array.of(0x3f80, 0x7fc1))],                // 1, NaN
      ['f64', t('F64', Float64Array.of(Infinity))],
      ['ints', t('I32', Int32Array.of(0x7fffffff))],
    ]);
    expect(findNonFinite(tensors)).toEqual({ name: 'half', index: 2, value: '-Infinity', tensors: 3 });
    tensors.delete('half');
    expect(findNonFinite(tensors)).toEqual({ name: 'bf', index: 1, value: 'NaN', tensors: 2 });
    tensors.delete('bf');
    expect(findNonFinite(tensors)).toEqual({ name: 'f64', index: 0, value: 'Infinity', tensors: 1 });
    tensors.delete('f64');
    expect(findNonFinite(tensors)).toBeUndefined();
  });
});
