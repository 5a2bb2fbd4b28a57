// What each pipeline stage does, in one line, for the stage rail.
import type { StageId } from '../share/settings';

export const STAGE_INFO: Record<StageId, { label: string; does: string }> = {
  data: { label: 'Data', does: 'Choose the training text and how it is split into tokens.' },
  pretrain: { label: 'Pretrain', does: 'Train the model from scratch to predict the next token.' },
  sft: { label: 'SFT', does: 'Fine-tune on question-and-answer examples so the model follows a chat format.' },
  reward: { label: 'Reward', does: 'Train a reward model that scores answers from pairs of better and worse ones.' },
  rlhf: { label: 'RLHF', does: 'Improve the chat model by reinforcement learning (PPO, GRPO, DPO) against a task grader or the reward model.' },
};
