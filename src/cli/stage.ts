// What a headless training stage provides to the runner (src/cli/train.ts): its options and a
// function that runs it. Each stage lives in its own file (stage-pretrain.ts, stage-sft.ts, ...).
import type { ArgSpec } from './args';
import type { Gpu } from '../gpu/gpu';

export interface CliStage {
  name: string;
  summary: string;
  options: ArgSpec;
  run(args: Record<string, string | number | boolean | undefined>, gpu: Gpu): Promise<void>;
}
