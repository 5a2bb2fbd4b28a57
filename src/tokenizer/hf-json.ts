// Load a Hugging Face tokenizer.json of GPT-2's kind into a BpeTokenizer that encodes exactly as
// @huggingface/tokenizers does. Accepted: model BPE with vocab + merges (strings or pairs),
// normalizer null, ByteLevel pre-tokenizer, ByteLevel or null decoder / post-processor,
// added_tokens. Anything else is rejected with a message naming the field — never half-loaded.
// Where the JavaScript library would silently emit wrong ids (merges naming unknown tokens,
// lstrip/rstrip/single_word added tokens, which it ignores) we refuse the file instead.
// Our encode recognises added tokens only with { allowSpecial: true }; the library always does.

import { preview } from '../util/preview';
import { BpeTokenizer, type BpeOptions } from './bpe-encode';
import { gpt2StringToBytes } from './gpt2-bytes';
import type { HfTokenizerJson } from './hf-json-types';
import { utf8Encode } from './utf8';

type Json = Record<string, unknown>;

const MAX_ID = 1 << 24;

function fail(message: string): never {
  throw new Error(`invalid tokenizer.json: ${message}`);
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (isObject(x)) return typeof x.type === 'string' ? `type ${preview(x.type)}` : 'an object without "type"';
  return Array.isArray(x) ? 'an array' : preview(x);
}

function optionalBoolean(obj: Json, key: string, where: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(`${where}.${key} must be true or false, got ${describe(v)}`);
  return v;
}

/** Check a pipeline stage that must be absent/null or ByteLevel; returns it (or null). */
function byteLevelOrNull(root: Json, key: string, nullable: boolean): Json | null {
  const stage = root[key];
  if ((stage === undefined || stage === null) && nullable) return null;
  if (!isObject(stage) || stage.type !== 'ByteLevel') {
    fail(`${key} must be ${nullable ? 'null or ' : ''}{"type": "ByteLevel"} for a GPT-2 kind tokenizer, got ${describe(stage)}`);
  }
  return stage;
}

interface Added { id: number; content: string; special: boolean }

function readAddedTokens(root: Json): Added[] {
  const list = root.added_tokens;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) fail(`added_tokens must be an array, got ${describe(list)}`);
  const ids = new Set<number>(), contents = new Set<string>();
  return list.map((t: unknown, i) => {
    const where = `added_tokens[${i}]`;
    if (!isObject(t)) fail(`${where} must be an object, got ${describe(t)}`);
    const { id, content } = t;
    if (typeof content !== 'string' || content.length === 0) fail(`${where}.content must be a non-empty string`);
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= MAX_ID) fail(`${where} (${JSON.stringify(content)}) has invalid id ${describe(id)}`);
    for (const flag of ['lstrip', 'rstrip', 'single_word']) {
      if (optionalBoolean(t, flag, where)) fail(`${where} (${JSON.stringify(content)}) sets ${flag}, which is not supported`);
    }
    if (ids.has(id as number)) fail(`${where} (${JSON.stringify(content)}) reuses id ${id}`);
    if (contents.has(content)) fail(`${where} repeats the token ${JSON.stringify(content)}`);
    ids.add(id as number);
    contents.add(content);
    return { id: id as number, content, special: optionalBoolean(t, 'special', where) ?? false };
  });
}

function readVocab(model: Json, added: Added[]): { idOf: Map<string, number>; tokens: Array<Uint8Array | undefined> } {
  const vocab = model.vocab;
  if (!isObject(vocab)) fail(`model.vocab must be an object mapping token strings to ids, got ${describe(vocab)}`);
  const addedById = new Map(added.map((t) => [t.id, t.content]));
  const idOf = new Map<string, number>();
  const tokens: Array<Uint8Array | undefined> = [];
  const nameOf = new Map<number, string>();
  for (const [name, id] of Object.entries(vocab)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= MAX_ID) fail(`model.vocab[${JSON.stringify(name)}] is ${describe(id)}, not a token id`);
    const other = nameOf.get(id as number);
    if (other !== undefined) fail(`model.vocab gives id ${id} to both ${JSON.stringify(other)} and ${JSON.stringify(name)}`);
    nameOf.set(id as number, name);
    idOf.set(name, id as number);
    const addedContent = addedById.get(id as number);
    if (addedContent !== undefined && addedContent !== name) {
      fail(`added token ${JSON.stringify(addedContent)} has id ${id}, which model.vocab gives to ${JSON.stringify(name)}`);
    }
    let bytes = gpt2StringToBytes(name);
    if (!bytes) {
      if (addedContent === undefined) {
        const bad = [...name].find((c) => !gpt2StringToBytes(c))!;
        fail(`model.vocab entry ${JSON.stringify(name)} (id ${id}) contains ${JSON.stringify(bad)}, which is not in the GPT-2 byte-level alphabet`);
      }
      bytes = utf8Encode(name);
    }
    tokens[id as number] = bytes;
  }
  return { idOf, tokens };
}

function readMerges(model: Json, idOf: Map<string, number>): Int32Array {
  const merges = model.merges;
  if (!Array.isArray(merges)) fail(`model.merges must be an array, got ${describe(merges)}`);
  const out = new Int32Array(merges.length * 3);
  merges.forEach((m: unknown, i) => {
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => typeof p === 'string' && p.length > 0)) {
      fail(`model.merges[${i}] is ${preview(m)}; expected "left right" or ["left", "right"]`);
    }
    const [left, right] = pair as [string, string];
    for (const part of [left, right]) {
      if (!idOf.has(part)) fail(`model.merges[${i}] references ${JSON.stringify(part)}, which is not in model.vocab`);
    }
    const result = idOf.get(left + right);
    if (result === undefined) fail(`model.merges[${i}] joins ${JSON.stringify(left)} and ${JSON.stringify(right)} into ${JSON.stringify(left + right)}, which is not in model.vocab`);
    out.set([idOf.get(left)!, idOf.get(right)!, result], 3 * i);
  });
  return out;
}

function readModelOptions(model: Json, idOf: Map<string, number>): BpeOptions {
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) fail('model.dropout is set; encoding with BPE dropout is not supported');
  if (optionalBoolean(model, 'byte_fallback', 'model')) fail('model.byte_fallback is true; a byte-level tokenizer needs no byte fallback and it is not supported');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    if (model[key] !== undefined && model[key] !== null && model[key] !== '') fail(`model.${key} is ${describe(model[key])}; GPT-2 kind tokenizers have none and it is not supported`);
  }
  const unk = model.unk_token;
  let unkId: number | null = null;
  if (unk !== undefined && unk !== null) {
    if (typeof unk !== 'string' || !idOf.has(unk)) fail(`model.unk_token ${describe(unk)} is not in model.vocab`);
    unkId = idOf.get(unk)!;
  }
  return { unkId, ignoreMerges: optionalBoolean(model, 'ignore_merges', 'model') ?? false };
}

/** Parse and validate a tokenizer.json (object or JSON text). */
export function bpeFromTokenizerJson(input: HfTokenizerJson | string | unknown): BpeTokenizer {
  let root = input;
  if (typeof input === 'string') {
    try { root = JSON.parse(input); } catch (e) { fail(`not valid JSON (${(e as Error).message})`); }
  }
  if (!isObject(root)) fail(`expected a JSON object at the top level, got ${describe(root)}`);
  const model = root.model;
  if (model === undefined || model === null) fail('"model" is missing');
  if (!isObject(model)) fail(`"model" must be an object, got ${describe(model)}`);
  if (model.type !== undefined && model.type !== 'BPE') fail(`model.type is ${preview(model.type)}; only "BPE" (GPT-2 kind) is supported`);
  if (root.normalizer !== undefined && root.normalizer !== null) fail(`normalizer ${describe(root.normalizer)} is not supported; a GPT-2 kind tokenizer has "normalizer": null`);
  const pre = byteLevelOrNull(root, 'pre_tokenizer', false)!;
  byteLevelOrNull(root, 'decoder', true);
  byteLevelOrNull(root, 'post_processor', true);
  const added = readAddedTokens(root);
  const { idOf, tokens } = readVocab(model, added);
  const merges = readMerges(model, idOf);
  const options: BpeOptions = {
    ...readModelOptions(model, idOf),
    addPrefixSpace: optionalBoolean(pre, 'add_prefix_space', 'pre_tokenizer') ?? false,
    useRegex: optionalBoolean(pre, 'use_regex', 'pre_tokenizer') ?? true,
  };
  return new BpeTokenizer({ tokens, merges }, options, added);
}
