// Headless trainer: the same engine as the app, in Node on the `webgpu` package (Dawn).
//   npm run train -- [--stage pretrain|sft|reward|rl] [options]   (npm run train -- --help)
import { parseArgs, helpText, type ArgSpec } from './args';
import { createNodeGpu, type NodeAdapter } from '../gpu/node';
import type { CliStage } from './stage';
import { STAGES } from './stages';
import { HF_OPTIONS, runWithHf } from './hf-io';

const COMMON = {
  stage: { kind: 'string', help: `training stage: ${STAGES.map((s) => s.name).join(' | ')} (default pretrain)` },
  adapter: { kind: 'string', help: 'auto (default: a hardware GPU if any, else llvmpipe, else SwiftShader) | swiftshader | llvmpipe' },
  help: { kind: 'flag', help: 'show this help' },
  ...HF_OPTIONS,
} satisfies ArgSpec;

function usage(): string {
  return [`Usage: npm run train -- [--stage NAME] [options]\n\nCommon options:\n${helpText(COMMON)}`,
    ...STAGES.map((s: CliStage) => `\n--stage ${s.name}: ${s.summary}\n${helpText(s.options)}`)].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const stageIndex = argv.indexOf('--stage');
  const stageName = stageIndex >= 0 ? argv[stageIndex + 1] : 'pretrain';
  const stage = STAGES.find((s) => s.name === stageName);
  if (argv.includes('--help')) { console.log(usage()); return; }
  if (!stage) throw new Error(`Unknown stage "${stageName}". Stages: ${STAGES.map((s) => s.name).join(', ')}.`);
  const args = parseArgs(argv, { ...COMMON, ...stage.options });
  const adapter = (args.adapter as NodeAdapter | undefined) ?? 'auto';
  if (!['auto', 'swiftshader', 'llvmpipe', 'default'].includes(adapter)) throw new Error(`Unknown adapter "${adapter}": use auto, swiftshader or llvmpipe.`);
  const gpu = await createNodeGpu(adapter);
  console.log(`adapter: ${gpu.info.description}`);
  try {
    await runWithHf(stage.name, args as Record<string, string | number | boolean | undefined>, (a) => stage.run(a, gpu), gpu.limits);
  } finally {
    gpu.destroy();
  }
}

main().catch((e) => {
  console.error(`\nerror: ${(e as Error).message}`);
  process.exit(1);
});
