// Load a Hugging Face tokenizer.json of the Llama / SentencePiece kind into an SpBpeTokenizer:
// model BPE with byte_fallback (or an unk token), normalizer null / Prepend / Replace (literal) /
// Sequence of those, pre-tokenizer null or Metaspace, a decoder of Replace / ByteFallback / Fuse /
// Strip / Metaspace steps, post-processor null or TemplateProcessing (kept for export; encode adds
// no BOS). Anything else is refused with a message naming the field — never half-loaded.
import { SpBpeTokenizer, type SpPipeline } from './sp-bpe';
import { buildDecoder, oneChar, replacePattern } from './sp-decode';
import type { HfAddedToken } from './hf-json-types';

type Json = Record<string, unknown>;
const MAX_ID = 1 << 24;

function fail(message: string): never {
  throw new Error(`invalid tokenizer.json: ${message}`);
}

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const typeOf = (x: unknown): string => (isObject(x) ? JSON.stringify(x.type) : JSON.stringify(x));

function normalizerSteps(n: unknown, where: string): Array<(s: string) => string> {
  if (n === null || n === undefined) return [];
  if (!isObject(n)) fail(`${where} must be an object or null`);
  switch (n.type) {
    case 'Sequence':
      if (!Array.isArray(n.normalizers)) fail(`${where}.normalizers must be an array`);
      return n.normalizers.flatMap((x, i) => normalizerSteps(x, `${where}.normalizers[${i}]`));
    case 'Prepend': {
      if (typeof n.prepend !== 'string') fail(`${where}.prepend must be a string`);
      const p = n.prepend;
      return [(s) => (s === '' ? s : p + s)];
    }
    case 'Replace': {
      const { from, to } = replacePattern(n, where);
      return [(s) => s.split(from).join(to)];
    }
    default: return fail(`${where} has type ${typeOf(n)}; a SentencePiece-style normalizer is built from Prepend and Replace (NFC/NFKC and others are not supported)`);
  }
}

/** Metaspace: " " → replacement, a replacement prepended (always, or on the first section only), split before each replacement. */
function metaspace(p: Json): { normalize(s: string, first: boolean): string; split(s: string): string[] } {
  const r = oneChar(p.replacement ?? '▁', 'pre_tokenizer.replacement');
  const scheme = p.prepend_scheme ?? (p.add_prefix_space === false ? 'never' : 'always');
  if (!['always', 'first', 'never'].includes(scheme as string)) fail(`pre_tokenizer.prepend_scheme ${JSON.stringify(scheme)} is not one of always, first, never`);
  const split = p.split ?? true;
  return {
    normalize: (s, first) => {
      const t = s.split(' ').join(r);
      const prepend = scheme === 'always' || (scheme === 'first' && first);
      return prepend && t !== '' && !t.startsWith(r) ? r + t : t;
    },
    split: (s) => {
      if (!split) return [s];
      const words: string[] = [];
      let start = 0;
      for (let i = s.indexOf(r, 1); i >= 0; i = s.indexOf(r, i + r.length)) { words.push(s.slice(start, i)); start = i; }
      words.push(s.slice(start));
      return words.filter((w) => w !== '');
    },
  };
}

function pipelineOf(root: Json): SpPipeline {
  const norm = normalizerSteps(root.normalizer, 'normalizer');
  const pre = root.pre_tokenizer;
  const decode = buildDecoder(root.decoder);
  if (pre === null || pre === undefined) {
    return { normalize: (s) => norm.reduce((x, f) => f(x), s), split: (s) => [s], decode };
  }
  if (!isObject(pre) || pre.type !== 'Metaspace') fail(`pre_tokenizer has type ${typeOf(pre)}; a SentencePiece-style tokenizer has none or Metaspace`);
  const ms = metaspace(pre);
  return { normalize: (s, first) => ms.normalize(norm.reduce((x, f) => f(x), s), first), split: ms.split, decode };
}

function readAdded(root: Json): Array<HfAddedToken & { special: boolean }> {
  const list = root.added_tokens ?? [];
  if (!Array.isArray(list)) fail('added_tokens must be an array');
  return list.map((t: unknown, i) => {
    const where = `added_tokens[${i}]`;
    if (!isObject(t) || typeof t.content !== 'string' || t.content === '') fail(`${where} must have a non-empty "content"`);
    if (!Number.isSafeInteger(t.id) || (t.id as number) < 0 || (t.id as number) >= MAX_ID) fail(`${where} (${JSON.stringify(t.content)}) has invalid id ${JSON.stringify(t.id)}`);
    for (const flag of ['lstrip', 'rstrip', 'single_word', 'normalized']) {
      if (t[flag] === true) fail(`${where} (${JSON.stringify(t.content)}) sets ${flag}, which is not supported for a SentencePiece-style tokenizer`);
    }
    return { ...(t as unknown as HfAddedToken), special: t.special === true };
  });
}

export function spFromTokenizerJson(root: Json): SpBpeTokenizer {
  const model = root.model;
  if (!isObject(model) || model.type !== 'BPE') fail(`model.type is ${isObject(model) ? JSON.stringify(model.type) : 'missing'}; only "BPE" is supported`);
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) fail('model.dropout is set; encoding with BPE dropout is not supported');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    if (model[key] !== undefined && model[key] !== null && model[key] !== '') fail(`model.${key} is ${JSON.stringify(model[key])}; it is not supported`);
  }
  const pp = root.post_processor;
  if (pp !== null && pp !== undefined && (!isObject(pp) || pp.type !== 'TemplateProcessing')) fail(`post_processor has type ${typeOf(pp)}; null or TemplateProcessing is supported`);
  const vocab = model.vocab;
  if (!isObject(vocab)) fail('model.vocab must be an object mapping token strings to ids');
  const tokens: string[] = [];
  const idOf = new Map<string, number>();
  for (const [name, id] of Object.entries(vocab)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= MAX_ID) fail(`model.vocab[${JSON.stringify(name)}] is ${JSON.stringify(id)}, not a token id`);
    if (tokens[id as number] !== undefined) fail(`model.vocab gives id ${id} to both ${JSON.stringify(tokens[id as number])} and ${JSON.stringify(name)}`);
    tokens[id as number] = name;
    idOf.set(name, id as number);
  }
  const merges = model.merges ?? [];
  if (!Array.isArray(merges)) fail('model.merges must be an array');
  const triples = new Int32Array(merges.length * 3);
  merges.forEach((m: unknown, i) => {
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => typeof p === 'string' && idOf.has(p))) fail(`model.merges[${i}] is ${JSON.stringify(m)}; expected two tokens of model.vocab`);
    const result = idOf.get(pair[0] + pair[1]);
    if (result === undefined) fail(`model.merges[${i}] makes ${JSON.stringify(pair[0] + pair[1])}, which is not in model.vocab`);
    triples.set([idOf.get(pair[0])!, idOf.get(pair[1])!, result], 3 * i);
  });
  const unk = model.unk_token;
  if (unk !== undefined && unk !== null && (typeof unk !== 'string' || !idOf.has(unk))) fail(`model.unk_token ${JSON.stringify(unk)} is not in model.vocab`);
  const added = readAdded(root);
  for (const a of added) {
    if (tokens[a.id] !== undefined && tokens[a.id] !== a.content) fail(`added token ${JSON.stringify(a.content)} has id ${a.id}, which model.vocab gives to ${JSON.stringify(tokens[a.id])}`);
  }
  return new SpBpeTokenizer({
    tokens, merges: triples,
    unkId: typeof unk === 'string' ? idOf.get(unk)! : null,
    fuseUnk: model.fuse_unk === true,
    byteFallback: model.byte_fallback === true,
    ignoreMerges: model.ignore_merges === true,
  }, pipelineOf(root), { ...root, added_tokens: added } as { added_tokens: HfAddedToken[] } & Json, added);
}
