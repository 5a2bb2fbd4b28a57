import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../src/checkpoint/codec';
import { decodeSafetensors, encodeSafetensors, type TensorInput } from '../../src/checkpoint/safetensors';
import { CheckpointError, type CheckpointErrorCode } from '../../src/checkpoint/safetensors-errors';
import { Batcher } from '../../src/data/batcher';
import { Rng } from '../../src/util/rng';

// A stand-in for the model code: a config and the parameter shapes it implies.
interface TinyConfig { vocabSize: number; nLayer: number; nEmbd: number }

function expectedShapes(c: TinyConfig): Record<string, number[]> {
  const shapes: Record<string, number[]> = { wte: [c.vocabSize, c.nEmbd], 'ln_f.weight': [c.nEmbd] };
  for (let l = 0; l < c.nLayer; l++) shapes[`h.${l}.mlp.weight`] = [4 * c.nEmbd, c.nEmbd];
  return shapes;
}

function parseConfig(raw: unknown): TinyConfig {
  const c = raw as Partial<TinyConfig>;
  for (const k of ['vocabSize', 'nLayer', 'nEmbd'] as const) {
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) throw new Error(`${k} must be a positive integer`);
  }
  return c as TinyConfig;
}

const options = { expectedShapes, parseConfig };
const config: TinyConfig = { vocabSize: 11, nLayer: 2, nEmbd: 3 };

function params(rng: Rng, c = config): Checkpoint['params'] {
  return Object.fromEntries(Object.entries(expectedShapes(c)).map(([name, shape]) =>
    [name, { shape, data: rng.floats(shape.reduce((a, b) => a * b, 1)) }]));
}

function checkpoint(withOptimizer: boolean): Checkpoint<TinyConfig> {
  const rng = new Rng(5);
  const p = params(rng);
  const moments = () => Object.fromEntries(Object.entries(p).map(([name, t]) => [name, rng.floats(t.data.length)]));
  return {
    config,
    tokenizer: { type: 'byte', vocabSize: 11 },
    stage: 'pretrain',
    step: 120,
    params: p,
    ...(withOptimizer ? { optimizer: { step: 120, m: moments(), v: moments() } } : {}),
    rng: 12345,
    schedule: { warmup: 10, maxSteps: 1000, lr: 3e-4 },
  };
}

/** The file with the given metadata entries replaced (undefined deletes). */
function withMetadata(bytes: Uint8Array, changes: Record<string, string | undefined>): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const meta = { ...metadata };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete meta[k];
    else meta[k] = v;
  }
  return encodeSafetensors(tensorsOf(tensors), meta);
}

function tensorsOf(tensors: ReturnType<typeof decodeSafetensors>['tensors']): TensorInput[] {
  return [...tensors].map(([name, t]) => ({ name, ...t }));
}

function expectError(bytes: Uint8Array, code: CheckpointErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    decodeCheckpoint(bytes, options);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).code).toBe(code);
  expect((caught as CheckpointError).message).toMatch(message);
}

describe('TabGPT checkpoint codec', () => {
  it('round-trips parameters, optimizer moments and run state exactly', () => {
    const c = checkpoint(true);
    const out = decodeCheckpoint(encodeCheckpoint(c), options);
    expect(out.config).toEqual(c.config);
    expect(out.tokenizer).toEqual(c.tokenizer);
    expect([out.stage, out.step, out.rng, out.schedule]).toEqual([c.stage, c.step, c.rng, c.schedule]);
    expect(Object.keys(out.params).sort()).toEqual(Object.keys(c.params).sort());
    for (const [name, p] of Object.entries(c.params)) {
      expect(out.params[name].shape).toEqual(p.shape);
      expect(out.params[name].data).toEqual(p.data);
      expect(out.optimizer!.m[name]).toEqual(c.optimizer!.m[name]);
      expect(out.optimizer!.v[name]).toEqual(c.optimizer!.v[name]);
    }
    expect(out.optimizer!.step).toBe(120);
    expect(out.data).toBeUndefined();
  });

  it('is deterministic and stores weights under their own names for other safetensors tools', () => {
    const bytes = encodeCheckpoint(checkpoint(false));
    expect(encodeCheckpoint(checkpoint(false))).toEqual(bytes);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(expectedShapes(config)).sort());
    expect(metadata['tabgpt.format_version']).toBe('1');
    expect(JSON.parse(metadata['tabgpt.config'])).toEqual(config);
    expect(metadata['tabgpt.step']).toBe('120');
    expect(decodeCheckpoint(bytes, options).optimizer).toBeUndefined();
  });

  it('restores the data loader so a resumed run sees the same batches', () => {
    const tokens = new Uint32Array(Array.from({ length: 500 }, (_, i) => (i * 7) % 11));
    const batcher = new Batcher(tokens, { B: 3, T: 8, seed: 9 });
    batcher.next();
    const bytes = encodeCheckpoint({ ...checkpoint(false), data: batcher.state() });
    const resumed = Batcher.restore(tokens, decodeCheckpoint(bytes, options).data);
    for (let i = 0; i < 3; i++) expect(resumed.next()).toEqual(batcher.next());
  });

  it('rejects invalid input with code "encode"', () => {
    const c = checkpoint(true);
    const bad: [Checkpoint, RegExp][] = [
      [{ ...c, step: -1 }, /step must be a non-negative integer/],
      [{ ...c, stage: '' }, /stage/],
      [{ ...c, config: [] }, /config must be an object/],
      [{ ...c, params: { ...c.params, 'optimizer.m.x': c.params.wte } }, /reserved/],
      [{ ...c, optimizer: { ...c.optimizer!, m: {} } }, /no moments for parameter/],
      [{ ...c, tokenizer: () => 0 }, /tokenizer cannot be written as JSON/],
    ];
    for (const [input, message] of bad) expect(() => encodeCheckpoint(input)).toThrow(message);
  });
});

describe('TabGPT checkpoint codec rejects inconsistent checkpoints', () => {
  const good = encodeCheckpoint(checkpoint(true));

  it('not a TabGPT file, or a format version it cannot read', () => {
    expectError(withMetadata(good, { 'tabgpt.format_version': undefined }), 'format-version', /not a TabGPT checkpoint/);
    expectError(withMetadata(good, { 'tabgpt.format_version': '2' }), 'format-version', /newer TabGPT/);
    expectError(withMetadata(good, { 'tabgpt.format_version': 'one' }), 'format-version', /"one"/);
  });

  it('config missing, not JSON, not an object, or unable to build a model', () => {
    expectError(withMetadata(good, { 'tabgpt.config': undefined }), 'config', /no tabgpt.config/);
    expectError(withMetadata(good, { 'tabgpt.config': '{"nLayer":' }), 'config', /not valid JSON/);
    expectError(withMetadata(good, { 'tabgpt.config': '[1]' }), 'config', /not a JSON object/);
    expectError(withMetadata(good, { 'tabgpt.config': '{"vocabSize":11,"nLayer":"2","nEmbd":3}' }), 'config', /nLayer must be a positive integer/);
    let caught: unknown;
    try {
      decodeCheckpoint(good, { expectedShapes: () => { throw new Error('unknown norm "foo"'); } });
    } catch (e) {
      caught = e;
    }
    expect((caught as CheckpointError).code).toBe('config');
    expect((caught as CheckpointError).message).toMatch(/unknown norm "foo"/);
  });

  it('tokenizer missing or not a JSON object', () => {
    expectError(withMetadata(good, { 'tabgpt.tokenizer': undefined }), 'tokenizer', /no tabgpt.tokenizer/);
    expectError(withMetadata(good, { 'tabgpt.tokenizer': 'byte' }), 'tokenizer', /not valid JSON/);
    expectError(withMetadata(good, { 'tabgpt.tokenizer': '"byte"' }), 'tokenizer', /not a JSON object/);
  });

  it('stage or step missing or malformed', () => {
    expectError(withMetadata(good, { 'tabgpt.stage': undefined }), 'stage', /tabgpt.stage/);
    expectError(withMetadata(good, { 'tabgpt.stage': '' }), 'stage', /tabgpt.stage/);
    for (const step of [undefined, '-1', '1.5', '1e3', '', '99999999999999999999']) {
      expectError(withMetadata(good, { 'tabgpt.step': step }), 'step', /non-negative integer/);
    }
  });

  it('optional run state that is not JSON', () => {
    expectError(withMetadata(good, { 'tabgpt.schedule': '{warmup: 10}' }), 'metadata-json', /tabgpt.schedule .* not valid JSON/);
  });

  it('metadata JSON nested more than 64 levels deep, each with its own code, before JSON.parse', () => {
    const deep = (levels: number) => `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    for (const [key, code] of [['tabgpt.config', 'config'], ['tabgpt.tokenizer', 'tokenizer'], ['tabgpt.optimizer', 'optimizer'],
      ['tabgpt.data', 'metadata-json'], ['tabgpt.rng', 'metadata-json'], ['tabgpt.schedule', 'metadata-json']] as const) {
      expectError(withMetadata(good, { [key]: deep(100_000) }), code, new RegExp(`${key.replace('.', '\\.')} in this checkpoint nests .* more than 64 levels`));
    }
    // 64 levels (the object and 63 arrays) are still read.
    expect(decodeCheckpoint(withMetadata(good, { 'tabgpt.schedule': deep(63) }), options).schedule).toEqual(JSON.parse(deep(63)));
    expectError(withMetadata(good, { 'tabgpt.schedule': deep(64) }), 'metadata-json', /more than 64 levels/);
  });

  it('messages quote at most a short piece of a metadata value', () => {
    let caught: unknown;
    try {
      decodeCheckpoint(withMetadata(good, { 'tabgpt.step': '9'.repeat(1_000_000) }), options);
    } catch (e) {
      caught = e;
    }
    expect((caught as CheckpointError).code).toBe('step');
    expect((caught as CheckpointError).message.length).toBeLessThan(200);
  });

  it('a parameter the config needs is missing, has the wrong shape or the wrong dtype', () => {
    const { tensors, metadata } = decodeSafetensors(good);
    const edit = (f: (t: TensorInput[]) => TensorInput[]) => encodeSafetensors(f(tensorsOf(tensors)), metadata);
    expectError(edit((t) => t.filter((x) => x.name !== 'h.1.mlp.weight')), 'missing-tensor', /parameter "h.1.mlp.weight"/);
    expectError(edit((t) => t.map((x) => (x.name === 'ln_f.weight' ? { ...x, shape: [1, 3] } : x))), 'tensor-shape', /\[1, 3\] but the model config needs \[3\]/);
    expectError(edit((t) => t.map((x) => (x.name === 'ln_f.weight' ? { ...x, dtype: 'I32', data: new Int32Array(3) } : x))), 'tensor-dtype', /is I32/);
    expectError(edit((t) => t.filter((x) => x.name !== 'optimizer.v.wte')), 'missing-tensor', /optimizer moment "optimizer.v.wte"/);
  });

  it('a checkpoint of a different model: config and weights disagree, or extra tensors', () => {
    expectError(withMetadata(good, { 'tabgpt.config': JSON.stringify({ ...config, nEmbd: 4 }) }), 'tensor-shape', /"wte" has shape \[11, 3\] but the model config needs \[11, 4\]/);
    expectError(withMetadata(good, { 'tabgpt.config': JSON.stringify({ ...config, nLayer: 1 }) }), 'unexpected-tensor', /"h.1.mlp.weight"/);
  });

  it('optimizer metadata malformed, or moments without it', () => {
    expectError(withMetadata(good, { 'tabgpt.optimizer': '{"step":-3}' }), 'optimizer', /valid step/);
    expectError(withMetadata(good, { 'tabgpt.optimizer': undefined }), 'optimizer', /no tabgpt.optimizer/);
  });
});
