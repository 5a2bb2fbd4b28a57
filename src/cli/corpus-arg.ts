// Pretraining text and tokenizer from the command line: `--data` names a built-in corpus (world,
// analects, lunyu: src/data/corpora.ts) or a UTF-8 file, and `--tokenizer` is char (default), byte,
// or bpe trained on the text, with the corpus's suggested vocabulary (a file's: 1024).
// A built-in name wins over a file of the same name; write ./analects for the file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { CORPUS_NAMES, corpusInfo, isCorpusName } from '../data/corpora';
import { generateCorpus } from '../data/corpus';
import { tokenizerForText, type Tokenizer } from '../tokenizer';

const FILE_BPE_VOCAB = 1024;

export async function corpusText(data: string | undefined): Promise<string> {
  if (data === undefined) return generateCorpus();
  if (isCorpusName(data)) return corpusInfo(data).load();
  if (!existsSync(data) || !statSync(data).isFile())
    throw new Error(`--data: "${data}" is neither a built-in corpus (${CORPUS_NAMES.join(', ')}) nor a file.`);
  return readFileSync(data, 'utf8');
}

export async function corpusTokenizer(kind: string | undefined, data: string | undefined, text: string): Promise<Tokenizer> {
  const vocabSize = data !== undefined && isCorpusName(data) ? corpusInfo(data).bpeVocab : data === undefined ? corpusInfo('world').bpeVocab : FILE_BPE_VOCAB;
  const started = Date.now();
  const tokenizer = await tokenizerForText(kind ?? 'char', text, { vocabSize });
  if (kind === 'bpe') console.log(`BPE tokenizer: ${tokenizer.vocabSize} tokens trained in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return tokenizer;
}
