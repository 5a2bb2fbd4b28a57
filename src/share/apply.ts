// Turns a parsed share link into full Settings (and back). Applying is all-or-nothing: the
// model part goes through the engine's makeConfig, so a link can only produce a config the
// engine accepts; any problem returns messages and leaves the caller's settings untouched.
// A `corpus` key brings that corpus's defaults for what the link leaves out: its tokenizer, its
// BPE vocabulary (with tokenizer=bpe) and its sample prompt; settingsToLink relies on the same rules.
import { ConfigError, type ModelConfig, makeConfig } from '../model/config';
import { type CorpusName, corpusInfo } from '../data/corpora';
import type { DemoLink } from './codec';
import { MAX_LINK_TEXT, MODEL_FIELDS, type ModelKey, SAMPLE_FIELDS, type SampleKey, TRAIN_FIELDS, type TrainKey } from './schema';
import {
  DEFAULT_DATA, DEFAULT_SAMPLE, DEFAULT_TRAIN, FIXED_VOCAB, type DataSettings, type Settings,
  type TokenizerKind, corpusPrompt, modelOverrides, presetModel, trainProblems,
} from './settings';

const MODEL_KEYS = Object.keys(MODEL_FIELDS) as ModelKey[];
const TRAIN_KEYS = Object.keys(TRAIN_FIELDS) as TrainKey[];
const SAMPLE_KEYS = Object.keys(SAMPLE_FIELDS) as SampleKey[];

function pick<K extends string>(link: DemoLink, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (link as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export type ApplyResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

/** The tokenizer a link means when it names none: its corpus's default, else the current one. */
const impliedTokenizer = (corpus: CorpusName | undefined, current: TokenizerKind): TokenizerKind =>
  corpus ? corpusInfo(corpus).tokenizers[0] : current;

/** The vocabulary a link with a corpus and tokenizer=bpe means when it has no vocabSize. */
const impliedVocab = (corpus: CorpusName | undefined, tokenizer: TokenizerKind): number | undefined =>
  corpus && tokenizer === 'bpe' ? corpusInfo(corpus).bpeVocab : undefined;

export function applyLink(base: Settings, link: DemoLink): ApplyResult {
  const errors: string[] = [];
  const tokenizer = link.tokenizer ?? impliedTokenizer(link.corpus, base.data.tokenizer);
  const fixedVocab = FIXED_VOCAB[tokenizer];
  if (fixedVocab !== undefined && link.vocabSize !== undefined && link.vocabSize !== fixedVocab)
    errors.push(`The ${tokenizer} tokenizer has a vocabulary of ${fixedVocab}, so "vocabSize" cannot be ${link.vocabSize}.`);

  const start: ModelConfig = link.preset ? presetModel(link.preset, tokenizer) : { ...base.model, ...(fixedVocab ? { vocabSize: fixedVocab } : {}) };
  const overrides = pick(link, MODEL_KEYS);
  const corpusVocab = impliedVocab(link.corpus, tokenizer);
  if (corpusVocab !== undefined && link.vocabSize === undefined) overrides.vocabSize = corpusVocab;
  // As in the model form: a new head count keeps plain multi-head attention unless KV heads are set.
  if (link.nHead !== undefined && link.nKvHead === undefined && start.nKvHead === start.nHead) overrides.nKvHead = link.nHead;
  let model = start;
  try {
    // mlpHidden is derived from mlp and dModel, so it is recomputed rather than carried over.
    model = makeConfig({ ...start, mlpHidden: undefined }, overrides);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors.push(e.message);
  }

  let data: DataSettings = { ...base.data, tokenizer };
  if (link.data === 'text') {
    if (!link.text) errors.push('"data=text" needs a non-empty "text".');
    if (link.corpus) errors.push('"corpus" names a built-in corpus, so it cannot go with "data=text".');
    data = { source: 'text', corpus: base.data.corpus, text: link.text ?? '', fileName: '', tokenizer };
  } else if (link.text !== undefined) {
    errors.push('"text" is only allowed together with "data=text".');
  } else if (link.data === 'builtin' || link.corpus) {
    data = { ...DEFAULT_DATA, corpus: link.corpus ?? DEFAULT_DATA.corpus, tokenizer };
  }

  const train = { ...base.train, ...pick(link, TRAIN_KEYS) };
  errors.push(...trainProblems(train));
  const sample = { ...base.sample, ...(link.corpus ? { prompt: corpusPrompt(link.corpus) } : {}), ...pick(link, SAMPLE_KEYS) };
  if (errors.length > 0) return { ok: false, errors };

  return { ok: true, settings: { preset: link.preset ?? base.preset, model, data, train, sample, stage: link.stage ?? base.stage } };
}

function differing<T extends object>(value: T, defaults: T, keys: readonly (keyof T & string)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (value[k] !== defaults[k]) out[k] = value[k];
  return out;
}

/** The shortest link that rebuilds `s`, plus notes on what a link cannot carry. */
export function settingsToLink(s: Settings): { link: DemoLink; notes: string[] } {
  const notes: string[] = [];
  const model = modelOverrides(s.model, s.preset, s.data.tokenizer);
  const link: DemoLink = { preset: s.preset };
  if (s.stage !== 'pretrain') link.stage = s.stage;
  const corpus = s.data.source === 'builtin' && s.data.corpus !== DEFAULT_DATA.corpus ? s.data.corpus : undefined;
  if (corpus) link.corpus = corpus;
  if (s.data.tokenizer !== impliedTokenizer(corpus, DEFAULT_DATA.tokenizer)) link.tokenizer = s.data.tokenizer;
  for (const k of MODEL_KEYS) {
    if (k === 'vocabSize' && FIXED_VOCAB[s.data.tokenizer] !== undefined) continue;
    if (model[k] !== undefined) (link as Record<string, unknown>)[k] = model[k];
  }
  // A corpus's BPE vocabulary is implied; any other vocabulary is spelled out.
  const corpusVocab = impliedVocab(corpus, s.data.tokenizer);
  if (corpusVocab !== undefined) {
    if (s.model.vocabSize === corpusVocab) delete link.vocabSize;
    else link.vocabSize = s.model.vocabSize;
  }
  // applyLink reads a lone nHead as plain multi-head attention, so grouped-query heads are spelled out.
  if (link.nHead !== undefined && s.model.nKvHead !== s.model.nHead) link.nKvHead = s.model.nKvHead;
  if (s.data.source !== 'builtin') {
    if (s.data.text.length > 0 && s.data.text.length <= MAX_LINK_TEXT) {
      link.data = 'text';
      link.text = s.data.text;
    } else {
      notes.push(`The link leaves out your training text (links carry at most ${MAX_LINK_TEXT} characters); it opens with the built-in corpus.`);
    }
  }
  const sampleDefaults = corpus ? { ...DEFAULT_SAMPLE, prompt: corpusPrompt(corpus) } : DEFAULT_SAMPLE;
  Object.assign(link, differing(s.train, DEFAULT_TRAIN, TRAIN_KEYS), differing(s.sample, sampleDefaults, SAMPLE_KEYS));
  return { link, notes };
}
