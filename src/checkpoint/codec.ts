// TabGPT checkpoints: model parameters (and optionally AdamW moments) as F32 safetensors tensors,
// with everything needed to rebuild and resume the run as JSON strings in the header metadata:
//   tabgpt.format_version  "1"
//   tabgpt.config          model config (the loader rebuilds the model from this, not from the UI)
//   tabgpt.tokenizer       tokenizer JSON
//   tabgpt.stage           "pretrain", "sft", ... (free text; stages own their names)
//   tabgpt.step            optimizer steps taken, decimal
//   tabgpt.optimizer       {"step": n} when moments are stored as optimizer.m.<name> / optimizer.v.<name>
//   tabgpt.data, tabgpt.rng, tabgpt.schedule   optional JSON (data-loader state, RNG state, LR schedule)
// Parameter tensors keep their own names, so other safetensors tools can read the weights.
// Does not know which parameters a config implies: the caller passes the model's expectedShapes.
// Does not store files: see the checkpoint store.
import { decodeSafetensors, encodeSafetensors, type TensorInput } from './safetensors';
import { CheckpointError, type CheckpointErrorCode } from './safetensors-errors';
import { quoteName, shapeText } from './safetensors-header';
import { JsonCursor, JsonDepthError, JsonSyntaxError } from './json-cursor';
import { preview } from '../util/preview';

export const CHECKPOINT_FORMAT_VERSION = 1;
/** Nesting cap of the JSON in the metadata. TabGPT writes at most 5 levels (a BPE tokenizer's
 *  merges); the cap keeps every later reader of these values (which may recurse) far from the stack
 *  limit. */
export const MAX_METADATA_JSON_DEPTH = 64;
const OPTIMIZER_PREFIX = 'optimizer.';
const M_PREFIX = 'optimizer.m.';
const V_PREFIX = 'optimizer.v.';

export interface ParamTensor {
  data: Float32Array;
  shape: readonly number[];
}

/** AdamW state: first and second moments per parameter (same shapes), and the step count. */
export interface OptimizerState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export interface Checkpoint<Config = unknown> {
  config: Config;
  tokenizer: unknown;
  stage: string;
  step: number;
  params: Record<string, ParamTensor>;
  optimizer?: OptimizerState;
  data?: unknown;
  rng?: unknown;
  schedule?: unknown;
}

export interface DecodeCheckpointOptions<Config> {
  /** The parameters a config implies, name → shape. Supplied by the model code. May throw on a
   *  config it cannot build; the error becomes a CheckpointError with code 'config'. */
  expectedShapes(config: Config): Record<string, readonly number[]>;
  /** Checks and types the raw config JSON (throws on a bad one). Default: accept any JSON object. */
  parseConfig?(raw: unknown): Config;
}

function fail(code: CheckpointErrorCode, message: string): never {
  throw new CheckpointError(code, message);
}

function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) fail('encode', `Cannot write the checkpoint: the ${what} cannot be written as JSON.`);
  return json;
}

const isStep = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  if (!isObject(c.config)) fail('encode', 'Cannot write the checkpoint: the model config must be an object.');
  if (typeof c.stage !== 'string' || c.stage === '') fail('encode', 'Cannot write the checkpoint: the stage must be a non-empty string.');
  if (!isStep(c.step)) fail('encode', `Cannot write the checkpoint: step must be a non-negative integer, got ${c.step}.`);
  const metadata: Record<string, string> = {
    'tabgpt.format_version': String(CHECKPOINT_FORMAT_VERSION),
    'tabgpt.config': toJson(c.config, 'model config'),
    'tabgpt.tokenizer': toJson(c.tokenizer, 'tokenizer'),
    'tabgpt.stage': c.stage,
    'tabgpt.step': String(c.step),
  };
  if (c.data !== undefined) metadata['tabgpt.data'] = toJson(c.data, 'data-loader state');
  if (c.rng !== undefined) metadata['tabgpt.rng'] = toJson(c.rng, 'RNG state');
  if (c.schedule !== undefined) metadata['tabgpt.schedule'] = toJson(c.schedule, 'schedule');

  const tensors: TensorInput[] = [];
  for (const [name, p] of Object.entries(c.params)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) fail('encode', `Cannot write parameter "${name}": names starting with "${OPTIMIZER_PREFIX}" are reserved.`);
    tensors.push({ name, dtype: 'F32', shape: p.shape, data: p.data });
  }
  if (c.optimizer) {
    const o = c.optimizer;
    if (!isStep(o.step)) fail('encode', `Cannot write the optimizer state: step must be a non-negative integer, got ${o.step}.`);
    metadata['tabgpt.optimizer'] = JSON.stringify({ step: o.step });
    for (const [name, p] of Object.entries(c.params)) {
      if (!o.m[name] || !o.v[name]) fail('encode', `Cannot write the optimizer state: no moments for parameter "${name}".`);
      tensors.push({ name: M_PREFIX + name, dtype: 'F32', shape: p.shape, data: o.m[name] });
      tensors.push({ name: V_PREFIX + name, dtype: 'F32', shape: p.shape, data: o.v[name] });
    }
  }
  return encodeSafetensors(tensors, metadata);
}

/** Reads and validates a checkpoint. Tensor data are views into `bytes` where aligned (always, for a
 *  file this module wrote, read into a fresh buffer), see decodeSafetensors. */
export function decodeCheckpoint<Config>(bytes: Uint8Array, options: DecodeCheckpointOptions<Config>): Checkpoint<Config> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const { config, shapes, tokenizer, stage, step } = readRunMetadata(metadata, options);

  const used = new Set<string>();
  const take = (name: string, shape: readonly number[], what: string): Float32Array => {
    const t = tensors.get(name);
    if (!t) fail('missing-tensor', `This checkpoint has no ${what} "${name}", which the model config needs.`);
    if (t.dtype !== 'F32') fail('tensor-dtype', `The ${what} "${name}" is ${t.dtype}; TabGPT stores F32.`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      fail('tensor-shape', `The ${what} "${name}" has shape ${shapeText(t.shape)} but the model config needs ${shapeText(shape)}.`);
    used.add(name);
    return t.data as Float32Array;
  };
  const params: Record<string, ParamTensor> = {};
  for (const [name, shape] of Object.entries(shapes)) params[name] = { data: take(name, shape, 'parameter'), shape: [...shape] };

  const checkpoint: Checkpoint<Config> = { config, tokenizer, stage, step, params };
  const optimizer = parseJson(metadata, 'tabgpt.optimizer', 'optimizer', false);
  if (optimizer !== undefined) {
    if (!isObject(optimizer) || !isStep(optimizer.step)) fail('optimizer', 'The optimizer state in this checkpoint has no valid step count.');
    const o: OptimizerState = { step: optimizer.step, m: {}, v: {} };
    for (const [name, shape] of Object.entries(shapes)) {
      o.m[name] = take(M_PREFIX + name, shape, 'optimizer moment');
      o.v[name] = take(V_PREFIX + name, shape, 'optimizer moment');
    }
    checkpoint.optimizer = o;
  }
  for (const name of tensors.keys()) {
    if (used.has(name)) continue;
    if (name.startsWith(OPTIMIZER_PREFIX)) fail('optimizer', `This checkpoint has optimizer tensors (such as ${quoteName(name)}) but no tabgpt.optimizer metadata.`);
    fail('unexpected-tensor', `This checkpoint has a tensor ${quoteName(name)} that the model config does not use; it was written for a different model.`);
  }
  for (const key of ['data', 'rng', 'schedule'] as const) {
    const value = parseJson(metadata, `tabgpt.${key}`, 'metadata-json', false);
    if (value !== undefined) checkpoint[key] = value;
  }
  return checkpoint;
}

/** The metadata every checkpoint must have, validated, plus the parameter shapes its config implies. */
function readRunMetadata<Config>(metadata: Record<string, string>, options: DecodeCheckpointOptions<Config>) {
  const version = metadata['tabgpt.format_version'];
  if (version === undefined) fail('format-version', 'This safetensors file is not a TabGPT checkpoint (it has no tabgpt.format_version).');
  if (version !== String(CHECKPOINT_FORMAT_VERSION)) {
    const newer = Number(version) > CHECKPOINT_FORMAT_VERSION;
    fail('format-version', `This checkpoint has format version ${preview(version, 20)}; this TabGPT reads version ${CHECKPOINT_FORMAT_VERSION}.`
      + (newer ? ' It was written by a newer TabGPT: update the app to load it.' : ''));
  }

  const rawConfig = parseJson(metadata, 'tabgpt.config', 'config', true);
  if (!isObject(rawConfig)) fail('config', 'The model config in this checkpoint is not a JSON object.');
  let config: Config;
  let shapes: Record<string, readonly number[]>;
  try {
    config = options.parseConfig ? options.parseConfig(rawConfig) : (rawConfig as Config);
    shapes = options.expectedShapes(config);
  } catch (e) {
    fail('config', `The model config in this checkpoint cannot build a model: ${(e as Error).message}`);
  }
  const tokenizer = parseJson(metadata, 'tabgpt.tokenizer', 'tokenizer', true);
  if (!isObject(tokenizer)) fail('tokenizer', 'The tokenizer in this checkpoint is not a JSON object.');
  const stage = metadata['tabgpt.stage'];
  if (!stage) fail('stage', 'This checkpoint does not say which training stage wrote it (tabgpt.stage).');
  const stepText = metadata['tabgpt.step'] ?? '';
  if (!/^\d+$/.test(stepText) || !isStep(Number(stepText)))
    fail('step', `The step in this checkpoint must be a non-negative integer, got ${preview(metadata['tabgpt.step'], 30)}.`);
  return { config, shapes, tokenizer, stage, step: Number(stepText) };
}

function parseJson(metadata: Record<string, string>, key: string, code: CheckpointErrorCode, required: boolean): unknown {
  const text = metadata[key];
  if (text === undefined) {
    if (required) fail(code, `This checkpoint has no ${key}.`);
    return undefined;
  }
  // Checked with a depth cap before JSON.parse, whose values later code walks recursively.
  try {
    const cursor = new JsonCursor(text, MAX_METADATA_JSON_DEPTH);
    cursor.skipValue(0);
    cursor.end();
  } catch (e) {
    if (e instanceof JsonDepthError)
      fail(code, `The ${key} in this checkpoint nests arrays or objects more than ${MAX_METADATA_JSON_DEPTH} levels deep; TabGPT never writes that, so the file is corrupt or was made to attack readers.`);
    if (e instanceof JsonSyntaxError) fail(code, `The ${key} in this checkpoint is not valid JSON: ${e.message} (at character ${e.at}); the file is corrupt.`);
    throw e;
  }
  return JSON.parse(text);
}
