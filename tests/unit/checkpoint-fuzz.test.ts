// Fuzz test of the checkpoint reader: seeded mutations of a real (tiny) TabGPT checkpoint must each
// end in a CheckpointError or an exact accept, never in another exception (a RangeError from the
// stack, a TypeError, a SyntaxError). An accepted file must be consistent: every tensor holds the
// bytes its header entry points at, the tensors tile the data section, and writing the decoded
// tensors back and reading them again gives the same thing.
//
// CI runs FUZZ_ITERATIONS cases (default 1500) or until FUZZ_SECONDS (default 20) have passed;
// `npm run fuzz` runs a longer campaign. Case i uses seed FUZZ_SEED + i; a failure prints its seed,
// and FUZZ_SEED=<seed> FUZZ_ITERATIONS=1 replays exactly that case.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../src/checkpoint/codec';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from '../../src/checkpoint/safetensors';
import { CheckpointError } from '../../src/checkpoint/safetensors-errors';
import { makeConfig, type ModelConfig } from '../../src/model/config';
import { expectedShapes, initParams } from '../../src/model/params';
import { CharTokenizer } from '../../src/tokenizer/char';
import { tokenizerFromJSON } from '../../src/tokenizer';
import { DEFAULT_TRAIN, makeSettings, type TrainSettings } from '../../src/train/settings';
import { Rng } from '../../src/util/rng';
import { mutate } from './fuzz/checkpoint-mutations';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 1500);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);

const config = makeConfig({ vocabSize: 24, nLayer: 1, nHead: 2, nKvHead: 1, dModel: 8, contextLength: 8, tiedEmbeddings: false });

function baseCheckpoint(): Uint8Array {
  const rng = new Rng(7);
  const weights = initParams(config, 3);
  const shapes = expectedShapes(config);
  const params = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, { shape, data: weights[name] }]));
  const moments = () => Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, rng.floats(w.length)]));
  const checkpoint: Checkpoint<ModelConfig> = {
    config, stage: 'pretrain', step: 42, params,
    tokenizer: CharTokenizer.fromCorpus('hello, fuzzing world').toJSON(),
    optimizer: { step: 42, m: moments(), v: moments() },
    data: { version: 1, rng: 99, B: 2, T: 8, tokens: 100, checksum: 1234 },
    rng: 5,
    schedule: DEFAULT_TRAIN,
  };
  return encodeCheckpoint(checkpoint);
}

const readOptions = { parseConfig: (raw: unknown) => makeConfig(raw as Record<string, unknown>), expectedShapes };

/** Checks an accepted container against the header as JSON.parse reads it (an independent parser). */
function checkConsistent(bytes: Uint8Array, got: Safetensors): void {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(got.tensors.size).toBe(names.length);
  let total = 0;
  for (const name of names) {
    const info = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const t = got.tensors.get(name);
    expect(t, name).toBeDefined();
    expect(t!.dtype).toBe(info.dtype);
    expect(t!.shape).toEqual(info.shape);
    const [begin, end] = info.data_offsets;
    const actual = new Uint8Array(t!.data.buffer, t!.data.byteOffset, t!.data.byteLength);
    expect(actual).toEqual(bytes.subarray(8 + n + begin, 8 + n + end));
    total += end - begin;
  }
  expect(total).toBe(bytes.length - 8 - n);
  expect(nonIntegerTokens(new TextDecoder().decode(bytes.subarray(8, 8 + n)))).toEqual([]);
  expect({ ...got.metadata }).toEqual({ ...((header.__metadata__ as object | null) ?? {}) });
  // Round trip: written back and read again, the same tensors and metadata.
  const again = decodeSafetensors(encodeSafetensors([...got.tensors].map(([name, t]) => ({ name, ...t })), got.metadata));
  expect(again.tensors).toEqual(got.tensors);
  expect({ ...again.metadata }).toEqual({ ...got.metadata });
}

/** Number tokens in a tensor entry's shape or data_offsets that the reference would not read as a
 *  usize (128.0, 1e2, -0, ...). A regex tokenizer that tracks depth and the current key, written
 *  independently of the reader's cursor. */
function nonIntegerTokens(header: string): string[] {
  const bad: string[] = [];
  const keys: (string | null)[] = []; // per open container: the key its current value sits under
  let lastString: string | null = null;
  for (const [token] of header.matchAll(/"(?:[^"\\]|\\.)*"|[{}[\],:]|-?[0-9][0-9.eE+-]*|true|false|null|\S/g)) {
    if (token === '{' || token === '[') keys.push(null);
    else if (token === '}' || token === ']') keys.pop();
    else if (token === ':') keys[keys.length - 1] = lastString;
    else if (token.startsWith('"')) lastString = JSON.parse(token) as string;
    else if (/^-?[0-9]/.test(token) && keys.length === 3 && (keys[1] === 'shape' || keys[1] === 'data_offsets') && !/^(0|[1-9][0-9]*)$/.test(token)) bad.push(token);
  }
  return bad;
}

type Outcome = 'accepted' | 'refused-container' | 'refused-checkpoint';

/** Runs one case; throws (with what happened) when the reader misbehaves. */
function runCase(base: Uint8Array, seed: number): Outcome {
  const { bytes } = mutate(base, seed);
  let container: Safetensors;
  try {
    container = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof CheckpointError) return 'refused-container';
    throw e;
  }
  checkConsistent(bytes, container);
  let ck: Checkpoint<ModelConfig>;
  try {
    ck = decodeCheckpoint(bytes, readOptions);
  } catch (e) {
    if (e instanceof CheckpointError) return 'refused-checkpoint';
    throw e;
  }
  for (const [name, p] of Object.entries(ck.params)) expect(p.data).toEqual(container.tensors.get(name)!.data);
  // What the app does next with an accepted checkpoint must fail, if at all, with a readable Error.
  for (const next of [() => tokenizerFromJSON(ck.tokenizer as never), () => makeSettings((ck.schedule ?? {}) as Partial<TrainSettings>)]) {
    try {
      next();
    } catch (e) {
      if (!(e instanceof Error) || e instanceof RangeError || e instanceof TypeError || e instanceof SyntaxError) throw e;
    }
  }
  return 'accepted';
}

describe('checkpoint reader fuzz', () => {
  const base = baseCheckpoint();

  it('the unmutated checkpoint is accepted', () => {
    expect(decodeCheckpoint(base, readOptions).step).toBe(42);
  });

  it(`every mutation is a CheckpointError or an exact accept (seed ${SEED}, up to ${ITERATIONS} cases or ${SECONDS} s)`, () => {
    const counts: Record<Outcome, number> = { accepted: 0, 'refused-container': 0, 'refused-checkpoint': 0 };
    const failures: string[] = [];
    const deadline = performance.now() + SECONDS * 1000;
    let ran = 0;
    for (; ran < ITERATIONS && performance.now() < deadline; ran++) {
      const seed = SEED + ran;
      try {
        counts[runCase(base, seed)]++;
      } catch (e) {
        const { log } = mutate(base, seed);
        failures.push(`seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_ITERATIONS=1): ${log.join('; ')}\n  -> ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}` : String(e)}`);
        if (failures.length >= 5) break;
      }
    }
    console.log(`checkpoint fuzz: ${ran} cases from seed ${SEED}: ${JSON.stringify(counts)}`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(ran).toBeGreaterThan(0);
    // Each kind of outcome happens, or the mutations have stopped exercising the reader.
    if (ran >= 500) for (const outcome of Object.keys(counts) as Outcome[]) expect(counts[outcome], outcome).toBeGreaterThan(0);
  }, (SECONDS + 60) * 1000);
});
