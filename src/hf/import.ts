// A Hugging Face folder → a TabGPT checkpoint (stage "pretrain", step 0) that every stage starts
// from like any other: the model from folder.ts, the tokenizer from tokenizer.json (GPT-2 or
// SentencePiece kind). A folder without tokenizer.json, or whose tokenizer does not fit the model's
// vocabulary, is refused here: TabGPT trains on text. Does not allocate GPU memory.
import { encodeCheckpoint } from '../checkpoint/codec';
import { paramSpecs } from '../model/params';
import { tokenizerFromHfJson } from '../tokenizer/hf-json-any';
import type { Tokenizer } from '../tokenizer/types';
import { readHfFolder, type HfFiles, type HfFolder } from './folder';
import { hfFail, HfError } from './errors';

export interface HfImport {
  folder: HfFolder;
  tokenizer: Tokenizer;
}

/** The folder's tokenizer, checked against the model's vocabulary. */
export function folderTokenizer(folder: HfFolder): Tokenizer {
  if (!folder.tokenizerJson) hfFail('The folder has no tokenizer.json; TabGPT needs the model\'s tokenizer (a folder from save_pretrained of both the model and its tokenizer).');
  let tokenizer: Tokenizer;
  try {
    tokenizer = tokenizerFromHfJson(folder.tokenizerJson);
  } catch (e) {
    throw new HfError(`tokenizer.json: ${(e as Error).message}`);
  }
  if (tokenizer.vocabSize > folder.config.vocabSize)
    hfFail(`tokenizer.json has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${folder.config.vocabSize}; they are not from the same model.`);
  return tokenizer;
}

export async function importHf(files: HfFiles): Promise<HfImport> {
  const folder = await readHfFolder(files);
  return { folder, tokenizer: folderTokenizer(folder) };
}

/** The import as checkpoint bytes, ready for any stage's fromCheckpoint. */
export function importToCheckpoint({ folder, tokenizer }: HfImport): Uint8Array {
  const params = Object.fromEntries(paramSpecs(folder.config).map((p) => [p.name, { data: folder.params[p.name], shape: p.shape }]));
  return encodeCheckpoint({ config: folder.config, tokenizer: tokenizer.toJSON(), stage: 'pretrain', step: 0, params });
}
