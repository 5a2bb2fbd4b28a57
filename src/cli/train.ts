// Headless trainer: the same engine as the app, in Node on the `webgpu` package (Dawn).
//   npm run train -- [--stage pretrain|sft|reward|rl] [options]   (npm run train -- --help)
// Parses and checks the whole command line and every file it names before the GPU starts.
import { parseCommandLine, usage } from './command-line';
import { preflight } from './preflight';
import { createNodeGpu, type NodeAdapter } from '../gpu/node';
import { runWithHf } from './hf-io';

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (!parsed) { console.log(usage()); return; }
  const { stage, args } = parsed;
  preflight(args, stage.options, stage.name);
  const gpu = await createNodeGpu((args.adapter as NodeAdapter | undefined) ?? 'auto');
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
