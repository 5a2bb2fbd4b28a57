// Size check for Hugging Face import (issue 9, item 6): writes a GPT-2-124M-shaped or a
// SmolLM2-135M-shaped checkpoint with random weights in Hugging Face layout (BF16, as published
// checkpoints are), then times the import (read, BF16 → F32, layout conversion, TabGPT checkpoint)
// and reports peak host memory. Real weights cannot be downloaded here; the shapes are what matter.
//   node --expose-gc --import tsx --import ./scripts/register-raw.mjs bench/hf-size.ts gpt2|smollm2 [OUT_DIR]
// An OUT_DIR that already holds a config.json is imported as it is (no rewrite).
// Then one SFT step: npm run train -- --stage sft --from-hf OUT_DIR --steps 1 --batch 1 --seq 64 --eval-task none
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHfConfig } from '../src/hf/config-read';
import { exportHf } from '../src/hf/export';
import { importHf, importToCheckpoint } from '../src/hf/import';
import { nodeHfFiles } from '../src/cli/hf-io';
import { initParams, countParams } from '../src/model/params';
import { ByteTokenizer } from '../src/tokenizer';
import type { ModelConfig } from '../src/model/config';

const SHAPES: Record<string, Record<string, unknown>> = {
  gpt2: { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', tie_word_embeddings: true, bos_token_id: 50256, eos_token_id: 50256 },
  smollm2: { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 576, num_attention_heads: 9, num_key_value_heads: 3, num_hidden_layers: 30, intermediate_size: 1536, max_position_embeddings: 8192, vocab_size: 49152, rms_norm_eps: 1e-5, rope_theta: 100000, tie_word_embeddings: true, hidden_act: 'silu', rope_scaling: null, bos_token_id: 0, eos_token_id: 0 },
};

let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
const timer = setInterval(sample, 20);

async function main(): Promise<void> {
  const [name = 'gpt2', out = `/tmp/hf-size-${name}`] = process.argv.slice(2);
  const shape = SHAPES[name];
  if (!shape) throw new Error(`Unknown shape "${name}": gpt2 | smollm2.`);
  const { config } = readHfConfig(shape);
  console.log(`${name}: ${(countParams(config) / 1e6).toFixed(1)}M parameters`);
  if (existsSync(join(out, 'config.json'))) console.log(`reusing ${out}`);
  else write(config, shape, out);
  global.gc?.();
  peak = 0;
  const rssBefore = process.memoryUsage().rss;
  const t = performance.now();
  const imported = await importHf(nodeHfFiles(out));
  const checkpoint = importToCheckpoint(imported);
  const seconds = (performance.now() - t) / 1000;
  sample();
  console.log(`import: ${seconds.toFixed(2)} s (read, BF16 → F32, layout, ${(checkpoint.length / 1e6).toFixed(0)} MB TabGPT checkpoint); host RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
  clearInterval(timer);
}

function write(config: ModelConfig, shape: Record<string, unknown>, out: string): void {
  const t = performance.now();
  const files = exportHf({ config, params: initParams(config, 1), tokenizer: new ByteTokenizer(), base: { hfConfig: shape }, dtype: 'BF16' });
  mkdirSync(out, { recursive: true });
  for (const [f, bytes] of files) writeFileSync(join(out, f), bytes);
  console.log(`wrote ${out} (${(files.get('model.safetensors')!.length / 1e6).toFixed(0)} MB BF16) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

main().catch((e) => { console.error(e); process.exit(1); });
