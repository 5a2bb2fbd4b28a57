// The stages the headless runner knows, in pipeline order.
import type { CliStage } from './stage';
import { pretrainStage } from './stage-pretrain';
import { sftStage } from './stage-sft';
import { rewardStage } from './stage-reward';
import { rlStage } from './stage-rl';

export const STAGES: CliStage[] = [pretrainStage, sftStage, rewardStage, rlStage];
