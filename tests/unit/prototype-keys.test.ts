// Settings validators treat names of Object.prototype members ("toString", "constructor",
// "__proto__", ...) as the unknown keys they are, wherever settings come from a file or a link; and
// a hostile value (huge or deeply nested) in an error message is shown as a short preview.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/checkpoint/codec';
import { CheckpointError } from '../../src/checkpoint/safetensors-errors';
import { parsePairsJsonl, parseSftJsonl } from '../../src/data/chat/jsonl';
import { makeConfig, presetConfig } from '../../src/model/config';
import { expectedShapes, initParams } from '../../src/model/params';
import { parseFragment } from '../../src/share/codec';
import { ByteTokenizer } from '../../src/tokenizer/byte';
import { tokenizerFromJSON } from '../../src/tokenizer';
import { makeRlSettings } from '../../src/train/rl/settings';
import { makeSettings } from '../../src/train/settings';
import { preview } from '../../src/util/preview';

const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
/** { name: 1 } as JSON.parse builds it from a file: an own property, even for "__proto__". */
const fromFile = (name: string) => JSON.parse(`{"${name}": 1}`) as Record<string, unknown>;
const deeplyNested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

describe('prototype-named keys are unknown keys', () => {
  it.each(PROTOTYPE_NAMES)('%s in training, RL and model settings', (name) => {
    expect(() => makeSettings(fromFile(name))).toThrow(new RegExp(`Unknown training setting "${name}"`));
    expect(() => makeRlSettings(fromFile(name))).toThrow(new RegExp(`Unknown RL setting "${name}"`));
    expect(() => makeConfig(fromFile(name))).toThrow(new RegExp(`Unknown model setting "${name}"`));
  });

  it.each(PROTOTYPE_NAMES)('%s as a preset name', (name) => {
    expect(() => presetConfig(name)).toThrow(new RegExp(`Unknown preset "${name}"`));
  });

  it.each(PROTOTYPE_NAMES)('%s in a share link', (name) => {
    const result = parseFragment(`#${encodeURIComponent(name)}=1`);
    expect(result.ok).toBe(false);
  });

  it.each(PROTOTYPE_NAMES)('%s in a JSONL line and a tokenizer spec', (name) => {
    expect(parseSftJsonl(JSON.stringify({ [name]: 'x' })).problems[0].reason).toMatch(/expected "messages", or "prompt" and "completion"/);
    expect(parsePairsJsonl(JSON.stringify({ [name]: 'x' })).problems[0].reason).toMatch(/expected "chosen" and "rejected"/);
    expect(() => tokenizerFromJSON({ kind: name, version: 1 } as never)).toThrow(/unknown tokenizer kind/);
  });

  it('in a checkpoint: a model config key, and a saved schedule key, are refused', () => {
    const config = makeConfig({ vocabSize: 8, nLayer: 1, nHead: 1, nKvHead: 1, dModel: 4, contextLength: 4 });
    const weights = initParams(config, 1);
    const params = Object.fromEntries(Object.entries(expectedShapes(config)).map(([k, shape]) => [k, { shape, data: weights[k] }]));
    const options = { parseConfig: (raw: unknown) => makeConfig(raw as Record<string, unknown>), expectedShapes };
    const write = (c: object, schedule: object) =>
      encodeCheckpoint({ config: c, tokenizer: new ByteTokenizer().toJSON(), stage: 'pretrain', step: 1, params, schedule });
    let caught: unknown;
    try {
      decodeCheckpoint(write({ ...config, toString: 1 }, {}), options);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as CheckpointError).message).toMatch(/Unknown model setting "toString"/);
    const saved = decodeCheckpoint(write(config, { steps: 5, constructor: 3 }), options).schedule;
    expect(() => makeSettings(saved as never)).toThrow(/Unknown training setting "constructor"/);
  });
});

describe('hostile values in messages', () => {
  it('preview is short, and safe on deep nesting', () => {
    expect(preview('abc')).toBe('"abc"');
    expect(preview([1, [2, { a: null }]])).toBe('[1,[2,{"a":null}]]');
    expect(preview(undefined)).toBe('undefined');
    expect(preview(NaN)).toBe('NaN');
    expect(preview('x'.repeat(1_000_000))).toHaveLength(60);
    expect(preview(deeplyNested(100_000))).toBe('[[[[[…]]]]]');
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(preview(wide, 30)).toHaveLength(30);
    expect(preview(Object.create({ inherited: 1 }))).toBe('{}');
  });

  it('validators report huge or deeply nested values without overflowing', () => {
    for (const bad of [deeplyNested(100_000), 'x'.repeat(1_000_000)]) {
      for (const check of [() => makeConfig({ nLayer: bad }), () => makeSettings({ lr: bad as never }), () => makeRlSettings({ method: bad as never }),
        () => tokenizerFromJSON({ kind: bad, version: 1 } as never), () => tokenizerFromJSON({ kind: 'char', version: 1, chars: [bad], byteFallback: true } as never)]) {
        let caught: unknown;
        try {
          check();
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(Error);
        expect(caught).not.toBeInstanceOf(RangeError);
        expect((caught as Error).message.length).toBeLessThan(300);
      }
    }
    const line = JSON.stringify({ messages: [{ role: deeplyNested(3), content: 'x' }] }).replace('[[[]]]', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(parseSftJsonl(line).problems[0].reason).toMatch(/has role \[\[\[\[\[…\]\]\]\]\]; expected system, user or assistant/);
  });
});
