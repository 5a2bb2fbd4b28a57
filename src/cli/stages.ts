// The stages the headless runner knows, in pipeline order.
import type { CliStage } from './stage';
import { pretrainStage } from './stage-pretrain';

export const STAGES: CliStage[] = [pretrainStage];
