// A TabGPT model as a Hugging Face folder that AutoModelForCausalLM.from_pretrained loads:
// config.json, model.safetensors, generation_config.json, and — when a tokenizer is given —
// tokenizer.json, tokenizer_config.json; plus a README.md on how to continue in PyTorch.
// Tensor names, shapes and the safetensors header follow save_pretrained (weights.ts plans them);
// F32 weights are written as they are (bit-exact), or narrowed to BF16/F16 when asked.
// `base` carries the files of an imported folder so that what TabGPT does not model (dropout
// values, token ids, a chat template) goes back out unchanged. Returns file name → bytes; writing
// them (disk, zip) is the caller's. A tokenizer with TabGPT's chat tokens gets the built-in chat
// template, in Jinja, in tokenizer_config.json.
import type { ModelConfig } from '../model/config';
import { encodeSafetensors, type TensorInput } from '../checkpoint/safetensors';
import type { Tokenizer } from '../tokenizer/types';
import { tokenizerJsonOf } from '../tokenizer/hf-json-export-any';
import { ARCHITECTURES } from './config-read';
import { hfArchOf, hfConfigJson, TRANSFORMERS_VERSION, type TokenIds } from './config-write';
import { weightPlan, splitParam } from './weights';
import { f32ToBf16, f32ToF16 } from './dtype';
import { hfFail, type Json } from './errors';
import { CHAT_TOKENS, hasChatTokens } from '../data/chat/template';

/** TabGPT's built-in chat template (src/data/chat/template.ts) in Jinja, as transformers renders it. */
export const BUILTIN_CHAT_TEMPLATE = "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '" + CHAT_TOKENS[3] + "' }}{% endfor %}"
  + "{% if add_generation_prompt %}{{ '" + CHAT_TOKENS[2] + "' }}{% endif %}";

export type ExportDtype = 'F32' | 'BF16' | 'F16';
const TORCH_DTYPE: Record<ExportDtype, string> = { F32: 'float32', BF16: 'bfloat16', F16: 'float16' };

export interface HfBase {
  hfConfig?: Json | null;
  generationConfig?: Json | null;
  tokenizerConfig?: Json | null;
}

export interface HfExportInput {
  config: ModelConfig;
  params: Record<string, Float32Array>;
  tokenizer?: Tokenizer | null;
  base?: HfBase | null;
  dtype?: ExportDtype;
}

const EOS_NAMES = ['<|endoftext|>', '</s>', '<|end|>', '<eos>'];
const BOS_NAMES = ['<s>', '<bos>', '<|begin_of_text|>'];

function tokenIds(t: Tokenizer | null | undefined, base: HfBase | null | undefined): TokenIds | undefined {
  if (base?.hfConfig) return undefined; // the imported config.json already names them
  const find = (names: string[]) => names.map((n) => t?.specialTokens.get(n)).find((id) => id !== undefined) ?? null;
  return { bos: find(BOS_NAMES), eos: find(EOS_NAMES), pad: null };
}

function tokenizerConfig(t: Tokenizer, c: ModelConfig, ids: TokenIds): Json {
  const nameOf = (id: number | number[] | null | undefined) => [...t.specialTokens].find(([, i]) => i === id)?.[0] ?? null;
  return {
    added_tokens_decoder: Object.fromEntries([...t.specialTokens].map(([content, id]) => [String(id), {
      content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true,
    }])),
    bos_token: nameOf(ids.bos), clean_up_tokenization_spaces: false, eos_token: nameOf(ids.eos),
    model_max_length: c.contextLength, tokenizer_class: 'PreTrainedTokenizerFast',
    ...(hasChatTokens(t) ? { chat_template: BUILTIN_CHAT_TEMPLATE } : {}),
  };
}

function readme(arch: string, dtype: ExportDtype, hasTokenizer: boolean): string {
  return `# Exported from TabGPT

A \`${arch}\` checkpoint (${TORCH_DTYPE[dtype]} weights) in the layout \`save_pretrained\` writes (transformers ${TRANSFORMERS_VERSION}).

## Continue in PyTorch

\`\`\`python
from transformers import AutoModelForCausalLM${hasTokenizer ? ', AutoTokenizer' : ''}
model = AutoModelForCausalLM.from_pretrained("path/to/this/folder")
${hasTokenizer ? 'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")\n' : ''}\`\`\`

## Fine-tune with TRL

\`\`\`bash
trl sft --model_name_or_path path/to/this/folder --dataset_name trl-lib/Capybara --output_dir out
\`\`\`
${hasTokenizer ? '' : '\nThis folder has no tokenizer: the model was exported without one.\n'}`;
}

const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x, null, 2) + '\n');

export function exportHf({ config, params, tokenizer = null, base = null, dtype = 'F32' }: HfExportInput): Map<string, Uint8Array> {
  const arch = hfArchOf(config);
  if (tokenizer && tokenizer.vocabSize > config.vocabSize)
    hfFail(`The tokenizer has ${tokenizer.vocabSize} tokens but the model only ${config.vocabSize}; they do not belong together.`);
  const tensors: TensorInput[] = [];
  for (const plan of weightPlan(arch, config)) {
    const data = params[plan.name];
    if (!data) hfFail(`Missing weights for parameter ${plan.name}; export needs the whole model.`);
    for (const t of splitParam(plan, data)) {
      if (dtype === 'F32') tensors.push({ name: t.name, dtype, shape: t.shape, data: t.data });
      else tensors.push({ name: t.name, dtype, shape: t.shape, data: dtype === 'BF16' ? f32ToBf16(t.data) : f32ToF16(t.data) });
    }
  }
  const ids = tokenIds(tokenizer, base);
  const files = new Map<string, Uint8Array>();
  const cfg = hfConfigJson(config, { base: base?.hfConfig, tokens: ids, dtype: TORCH_DTYPE[dtype] });
  files.set('config.json', json(cfg));
  files.set('generation_config.json', json(base?.generationConfig ?? {
    _from_model_config: true, bos_token_id: cfg.bos_token_id, eos_token_id: cfg.eos_token_id, transformers_version: TRANSFORMERS_VERSION,
  }));
  files.set('model.safetensors', encodeSafetensors(tensors, { format: 'pt' }));
  if (tokenizer) {
    files.set('tokenizer.json', json(tokenizerJsonOf(tokenizer)));
    const named = { bos: cfg.bos_token_id as number | null, eos: cfg.eos_token_id as number | number[] | null, pad: null };
    files.set('tokenizer_config.json', json(base?.tokenizerConfig ?? tokenizerConfig(tokenizer, config, named)));
  }
  files.set('README.md', new TextEncoder().encode(readme(ARCHITECTURES[arch], dtype, tokenizer !== null)));
  return files;
}
