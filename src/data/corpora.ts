// The built-in corpora a run can pretrain on, by name (`--data NAME` in the CLI, a choice on the
// Data stage of the app): the generated world (corpus.ts) and the classical-Chinese corpus vendored
// from chinese-poetry (classical/). Each says which tokenizers suit it, the BPE vocabulary to
// suggest, the built-in task set that goes with it (src/tasks names) and a prompt to sample from.
// Texts are loaded on demand: the classical one is a lazily imported chunk, not in the main bundle.
// Does not build tokenizers (src/tokenizer/for-text.ts) or tasks (src/tasks).
import { generateCorpus } from './corpus';
import { loadClassics, loadClassical } from './classical/corpus';
import { classicalText } from './classical/text';

export const CORPUS_NAMES = ['world', 'analects', 'lunyu'] as const;
export type CorpusName = (typeof CORPUS_NAMES)[number];

export type CorpusTokenizer = 'char' | 'bpe' | 'byte';

export interface CorpusInfo {
  name: CorpusName;
  /** Short label for a menu. */
  title: string;
  summary: string;
  /** Tokenizers that suit the text; the first is the default. */
  tokenizers: readonly CorpusTokenizer[];
  /** BPE vocabulary size to suggest (256 bytes + merges). */
  bpeVocab: number;
  /** The built-in task set (src/tasks) made from the same text. */
  task: string;
  /** A prompt a pretrained model continues in the corpus's style. */
  samplePrompt: string;
  load(): Promise<string>;
}

export const CORPORA: readonly CorpusInfo[] = [
  {
    name: 'world', title: 'Generated world (English)',
    summary: 'stories about a small seeded world, arithmetic and lists; 1.5 MB of ASCII generated here',
    tokenizers: ['char', 'byte', 'bpe'], bpeVocab: 512, task: 'all', samplePrompt: 'Once there was',
    load: async () => generateCorpus(),
  },
  {
    name: 'analects', title: 'Classical Chinese: the Four Books and Tang poems',
    summary: 'the Analects, Mencius, the Great Learning, the Doctrine of the Mean and some 5,000 Tang quatrains and regulated verses (chinese-poetry 2.0.1, MIT); about 1.2 MB',
    tokenizers: ['char', 'bpe', 'byte'], bpeVocab: 8192, task: 'classical', samplePrompt: '子曰：',
    load: async () => classicalText(await loadClassical()),
  },
  {
    name: 'lunyu', title: 'Classical Chinese: the Analects alone',
    summary: 'the Analects (论语), 20 chapters, 512 passages, about 64 kB: small enough for a software adapter',
    tokenizers: ['char', 'bpe', 'byte'], bpeVocab: 1024, task: 'analects-continue', samplePrompt: '子曰：',
    load: async () => classicalText({ books: await loadClassics(), poems: [] }, { books: ['analects'], poems: false }),
  },
];

export function isCorpusName(name: string): name is CorpusName {
  return (CORPUS_NAMES as readonly string[]).includes(name);
}

export function corpusInfo(name: string): CorpusInfo {
  const info = CORPORA.find((c) => c.name === name);
  if (!info) throw new Error(`Unknown built-in corpus "${name}". Corpora: ${CORPUS_NAMES.join(', ')}.`);
  return info;
}

/** The named corpus's text. */
export function loadCorpus(name: string): Promise<string> {
  return corpusInfo(name).load();
}
