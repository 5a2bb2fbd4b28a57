// What a training stage is to the one loop (loop.ts): a run that can take one optimizer step,
// read its results back, evaluate on held-out data, write everything a checkpoint needs, and be
// rebuilt from such a checkpoint. Pretraining, SFT, the reward model and RL each implement it
// (src/train/pretrain.ts, sft.ts, reward.ts, rl/run.ts); the loop owns everything around a step.
// It does not say how a stage is built: each stage's static create / fromCheckpoint does.

/** What every step reports once its results are read back; stages add their own fields. */
export interface StepResult {
  /** The optimizer step this result belongs to (1-based: the first step reports 1). */
  step: number;
  loss: number;
  lr: number;
  /** The update was skipped (the gradient was not finite). */
  skipped: boolean;
}

export interface StageRun<R extends StepResult = StepResult, E = unknown> {
  /** The `tabgpt.stage` its checkpoints carry. */
  readonly stage: string;
  /** Optimizer steps taken so far. */
  step: number;
  /** The run's last step. */
  readonly totalSteps: number;
  /** Evaluate every this many steps and at the last step of a loop; 0: never during a run. */
  readonly evalEvery: number;
  /** Tokens a step processed (for tokens per second). */
  tokensOf(result: R): number;
  /** Records and submits one optimizer step; returns the results read back now ([] while the
   *  read-back waits for more steps: read-backs stall the GPU queue, so they are amortised). */
  trainStep(): Promise<R[]>;
  /** Reads back every step result not yet returned. */
  flush(): Promise<R[]>;
  /** Held-out metrics of the model as it is now; undefined when there is nothing to evaluate on. */
  evaluateHeldout(signal?: AbortSignal): Promise<E | undefined>;
  /** Everything a checkpoint needs to continue this run exactly (restored by fromCheckpoint). */
  checkpoint(withOptimizer?: boolean): Promise<Uint8Array>;
  /** Waits until the GPU has finished all submitted work. */
  sync(): Promise<void>;
  destroy(): void;
}
