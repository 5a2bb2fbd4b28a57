// Everything a user can set before a run, as one plain typed object with defaults.
// The model part is the engine's own ModelConfig (src/model/config.ts), so the UI, share links
// and the engine agree on names and checks. This module does not parse links (codec.ts) or
// render anything (src/ui/).
import { type ModelConfig, PRESETS, makeConfig } from '../model/config';
import { type CorpusName, corpusInfo } from '../data/corpora';

export const STAGES = ['data', 'pretrain', 'sft', 'reward', 'rlhf'] as const;
export type StageId = (typeof STAGES)[number];

export const PRESET_NAMES = ['tiny', 'small', 'gpt2'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

// No 'gpt2': its vocabulary needs GPT-2's tokenizer.json, which this offline app cannot fetch.
export const TOKENIZERS = ['char', 'byte', 'bpe'] as const;
export type TokenizerKind = (typeof TOKENIZERS)[number];

/** Vocabulary sizes fixed by the tokenizer; char and bpe depend on the data / the user. */
export const FIXED_VOCAB: Partial<Record<TokenizerKind, number>> = { byte: 256 };

export type DataSource = 'builtin' | 'text' | 'file';

export interface DataSettings {
  source: DataSource;
  /** The built-in corpus (src/data/corpora.ts) used when source is 'builtin'; it also picks the
   *  built-in tasks of SFT, reward and RL. */
  corpus: CorpusName;
  /** The pasted or loaded text (empty for the built-in corpus). */
  text: string;
  /** Name of the loaded file, for display only. */
  fileName: string;
  tokenizer: TokenizerKind;
}

export interface TrainSettings {
  lr: number;
  steps: number;
  batch: number;
  warmup: number;
  weightDecay: number;
  /** Global gradient-norm clip; 0 turns clipping off. */
  gradClip: number;
  seed: number;
  evalEvery: number;
}

export interface SampleSettings {
  prompt: string;
  /** 0 means greedy decoding. */
  temperature: number;
  /** 0 means no top-k cut. */
  topK: number;
  topP: number;
  maxTokens: number;
}

export interface Settings {
  /** The preset the model started from; fields may differ from it (see modelOverrides). */
  preset: PresetName;
  model: ModelConfig;
  data: DataSettings;
  train: TrainSettings;
  sample: SampleSettings;
  stage: StageId;
}

export const DEFAULT_TRAIN: TrainSettings = {
  lr: 1e-3, steps: 500, batch: 8, warmup: 20, weightDecay: 0.1, gradClip: 1, seed: 1337, evalEvery: 50,
};

export const DEFAULT_SAMPLE: SampleSettings = {
  prompt: 'Once there was', temperature: 0.8, topK: 40, topP: 0.95, maxTokens: 200,
};

export const DEFAULT_DATA: DataSettings = { source: 'builtin', corpus: 'world', text: '', fileName: '', tokenizer: 'byte' };

/** The corpus whose built-in tasks go with this data: the chosen corpus for built-in data, the
 *  generated world's mixed tasks for the user's own text. */
export const taskCorpus = (d: DataSettings): CorpusName => (d.source === 'builtin' ? d.corpus : 'world');

/** The prompt a corpus suggests for samples (the default prompt for the generated world). */
export const corpusPrompt = (name: CorpusName): string => corpusInfo(name).samplePrompt;

export function presetModel(name: PresetName, tokenizer: TokenizerKind = 'byte'): ModelConfig {
  const vocab = FIXED_VOCAB[tokenizer];
  return makeConfig(PRESETS[name], vocab ? { vocabSize: vocab } : {});
}

export function defaultSettings(): Settings {
  return {
    preset: 'tiny',
    model: presetModel('tiny', DEFAULT_DATA.tokenizer),
    data: { ...DEFAULT_DATA },
    train: { ...DEFAULT_TRAIN },
    sample: { ...DEFAULT_SAMPLE },
    stage: 'pretrain',
  };
}

/** Cross-field checks on training settings; returns readable problems (empty when fine). */
export function trainProblems(t: TrainSettings): string[] {
  const out: string[] = [];
  if (t.warmup > t.steps) out.push(`Warm-up (${t.warmup} steps) cannot be longer than the run (${t.steps} steps).`);
  return out;
}

/** The model fields that differ from the named preset (what a share link needs to carry). */
export function modelOverrides(model: ModelConfig, preset: PresetName, tokenizer: TokenizerKind): Partial<ModelConfig> {
  const base = presetModel(preset, tokenizer);
  const out: Partial<ModelConfig> = {};
  for (const k of Object.keys(base) as (keyof ModelConfig)[]) {
    if (model[k] !== base[k]) (out as Record<string, unknown>)[k] = model[k];
  }
  return out;
}
