// The pretraining stage of the headless runner: a base model learns next-token prediction.
//   npm run train -- --preset tiny --steps 300 --out run.safetensors
//   npm run train -- --from run.safetensors --steps 600
// With no --data it trains on the built-in corpus and finishes by printing a sample.
import { readFileSync } from 'node:fs';
import type { ArgSpec } from './args';
import type { CliStage } from './stage';
import type { Gpu } from '../gpu/gpu';
import { writeFileAtomic } from './write-file';
import { presetConfig, LLAMA_STYLE, PRESETS } from '../model/config';
import { LANGUAGE_MODEL_STAGES } from './checkpoint-check';
import { countParams } from '../model/params';
import { PretrainRun } from '../train/pretrain';
import type { LoopProgress } from '../train/runtime/loop';
import { runInTerminal } from './run-loop';
import { corpusText, corpusTokenizer } from './corpus-arg';

const SPEC = {
  preset: { kind: 'string', choices: Object.keys(PRESETS), help: 'model preset (default tiny)' },
  llama: { kind: 'flag', help: 'Llama style: RMSNorm, RoPE, SwiGLU, no biases' },
  data: { kind: 'string', help: 'world | analects | lunyu (built-in corpora) or a UTF-8 text file (default world)' },
  tokenizer: { kind: 'string', choices: ['char', 'byte', 'bpe'], help: 'tokenizer (default char; char and bpe built from the data)' },
  steps: { kind: 'number', integer: true, min: 0, max: 1e7, help: 'total optimizer steps (default 300; 0 with --export-hf: convert only)' },
  batch: { kind: 'number', integer: true, min: 1, max: 4096, help: 'sequences per micro-batch (default 8)' },
  seq: { kind: 'number', integer: true, min: 1, max: 65536, help: 'sequence length (default: the context length)' },
  accum: { kind: 'number', integer: true, min: 1, max: 1024, help: 'gradient accumulation steps (default 1)' },
  lr: { kind: 'number', min: 0, max: 10, help: 'peak learning rate (default 3e-3)' },
  'eval-every': { kind: 'number', integer: true, min: 0, max: 1e7, help: 'evaluate every N steps (default 100)' },
  seed: { kind: 'number', integer: true, min: 0, max: 2 ** 32 - 1, help: 'random seed (default 1337)' },
  out: { kind: 'string', path: 'output', help: 'write a checkpoint here at the end' },
  from: { kind: 'string', path: { checkpoint: LANGUAGE_MODEL_STAGES }, help: 'continue from this checkpoint' },
  prompt: { kind: 'string', help: 'prompt for the final sample' },
  'sample-tokens': { kind: 'number', integer: true, min: 1, max: 4096, help: 'length of the final sample in tokens (default 200)' },
} satisfies ArgSpec;

function bar(p: LoopProgress & { loss: number; lr: number; valLoss?: number }): string {
  const width = 24, filled = Math.round((p.step / p.totalSteps) * width);
  const eta = Number.isFinite(p.etaSec) ? `${Math.round(p.etaSec)}s` : '?';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}`
    + (p.valLoss !== undefined ? ` val ${p.valLoss.toFixed(4)}` : '') + ` lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSec)} tok/s eta ${eta}`;
}

type Args = { [K in keyof typeof SPEC]?: (typeof SPEC)[K]['kind'] extends 'number' ? number : (typeof SPEC)[K]['kind'] extends 'flag' ? boolean : string };

async function runPretrain(args: Args, gpu: Gpu): Promise<void> {
  const text = await corpusText(args.data);
  const settings = {
    steps: args.steps, batchSize: args.batch, seqLen: args.seq, accumSteps: args.accum, lr: args.lr,
    evalEvery: args['eval-every'], seed: args.seed,
  };
  let pretrain: PretrainRun;
  if (args.from) {
    pretrain = PretrainRun.fromCheckpoint(gpu, new Uint8Array(readFileSync(args.from)), { text, settings });
    console.log(`continuing ${args.from} at step ${pretrain.step}`);
  } else {
    const tokenizer = await corpusTokenizer(args.tokenizer, args.data, text);
    const base = presetConfig(args.preset ?? 'tiny', args.llama ? { ...LLAMA_STYLE, nKvHead: 2 } : {});
    const config = { ...base, vocabSize: tokenizer.vocabSize };
    const tokens = Int32Array.from(tokenizer.encode(text));
    pretrain = PretrainRun.create(gpu, { config, tokenizer, tokens, settings });
    console.log(`model: ${args.preset ?? 'tiny'} ${(countParams(pretrain.config) / 1e6).toFixed(2)}M parameters, vocabulary ${config.vocabSize}, ${tokens.length} tokens`);
  }
  const interactive = process.stderr.isTTY;
  let lastLine = 0;
  const end = await runInTerminal(pretrain, {
    onStep: (r, progress) => {
      const p = { ...progress, loss: r.loss, lr: r.lr, valLoss: pretrain.lastValLoss };
      if (interactive) process.stderr.write(`\r${bar(p)}   `);
      if (p.step - lastLine >= (interactive ? 50 : 10) || p.step === p.totalSteps) { lastLine = p.step; console.log(`${interactive ? '\n' : ''}${bar(p)}`); }
    },
  });
  if (pretrain.lastValLoss === undefined) await pretrain.evaluate();
  console.log(`\nfinal: step ${pretrain.step}, validation loss ${pretrain.lastValLoss?.toFixed(4)}${end.skipped ? `, ${end.skipped} steps skipped (non-finite gradients)` : ''}`);
  if (args.out) {
    const bytes = await pretrain.checkpoint();
    await writeFileAtomic(args.out, bytes);
    console.log(`checkpoint: ${args.out} (${(bytes.length / 1e6).toFixed(1)} MB)`);
  }
  const prompt = args.prompt ?? (args.data ? text.slice(0, 16) : 'Once there was');
  console.log(`\nsample (prompt ${JSON.stringify(prompt)}):\n${prompt}`);
  await pretrain.sample({ prompt, maxTokens: args['sample-tokens'] ?? 200, temperature: 0.8, topK: 0, topP: 0.95, seed: 7 }, (t) => process.stdout.write(t));
  process.stdout.write('\n');
  pretrain.destroy();
}

export const pretrainStage: CliStage = {
  name: 'pretrain',
  summary: 'next-token prediction on raw text (default)',
  options: SPEC,
  run: (args, gpu) => runPretrain(args as Args, gpu),
};
