// The engine's protocol: what the worker (src/worker) asks of the training engine (engine.ts) and
// what comes back. The types live here, in the training layer, so that the engine knows nothing of
// the worker; the worker re-exports them for the page. The worker owns the GPU, the checkpoint
// store and progress throttling; the engine owns models, data, optimisers, the loop and sampling,
// and implements EngineBridge. The engine never touches IndexedDB or the page.
import type { ModelConfig } from '../model/config';
import type { DataSettings, SampleSettings, StageId, TokenizerKind, TrainSettings } from '../share/settings';
import type { CorpusName } from '../data/corpora';

/** Everything one stage run needs, as the user set it. */
export interface StageOptions {
  stage: StageId;
  model: ModelConfig;
  /** source 'builtin' means the built-in corpus `corpus` (src/data/corpora.ts), whose task set the
   *  post-training stages use; otherwise `text` (and the generated world's tasks). */
  data: DataSettings;
  train: TrainSettings;
  /** Continue the loaded checkpoint, or the stopped run, from its step with its own model,
   *  tokenizer, optimiser state and data order (`model` is then ignored). Otherwise start fresh. */
  resume?: boolean;
  /** The dataset of a post-training stage (sft, reward); default: the built-in tasks. */
  post?: PostData;
  /** The RL stage's method, reward source and settings. */
  rl?: RlOptions;
}

/** An RL run as the RLHF tab sets it up (src/train/rl/settings.ts has the rest, at defaults). */
export interface RlOptions {
  method: 'ppo' | 'grpo' | 'dpo';
  /** The built-in tasks' verifiable grader, or the reward model trained in this session. */
  reward: 'grader' | 'model';
  steps: number;
  lr: number;
  /** β: the KL coefficient to the reference (PPO, GRPO) or DPO's β. */
  klCoef: number;
  /** Prompts per rollout (DPO: pairs per step). */
  promptsPerStep: number;
  groupSize: number;
  maxNewTokens: number;
  seed: number;
}

/** One sampled response of an RL rollout, as the grader scored it. */
export interface RolloutRow { prompt: string; response: string; reward: number; kl?: number }

/** One prompt answered by each model this session holds (absent: no such model). */
export interface CompareResult { base?: string; sft?: string; rlhf?: string }

/** A post-training dataset: built-in task data, or JSONL text whose bad lines the user chose to skip. */
export interface PostData {
  source: 'builtin' | 'jsonl';
  jsonl: string;
  /** Previews only: the corpus whose built-in tasks to show (default: the generated world's).
   *  Runs take the corpus from StageOptions.data. */
  corpus?: CorpusName;
  /** Held-out built-in questions (SFT exact match) or pairs (reward metrics). */
  evalCount: number;
  /** Reward stage: pairs the user picked in the app (JSONL), added to the training pairs. */
  captured?: string;
}

/** Numbers a post-training stage reports besides its losses (fractions in [0, 1], margins in reward units). */
export interface PostMetrics {
  exactMatch?: number;
  accuracy?: number;
  margin?: number;
  heldoutAccuracy?: number;
  heldoutMargin?: number;
  /** RL: the step's mean reward, sequence KL to the reference, losses, clip fraction and mean response length in tokens. */
  meanReward?: number;
  kl?: number;
  policyLoss?: number;
  valueLoss?: number;
  clipFrac?: number;
  responseLength?: number;
}

/** One report per read-back of the losses. A report with a non-finite trainLoss carries only a
 *  phase message, or only the validation loss measured at `step`. */
export interface EngineProgress {
  step: number;
  totalSteps: number;
  trainLoss: number;
  /** Present on the report made right after validation ran at `step`. */
  valLoss?: number;
  lr: number;
  tokensPerSec: number;
  /** Optional phase text, e.g. "tokenizing", "compiling kernels". */
  message?: string;
  /** Post-training stages: the latest evaluation and batch numbers. */
  metrics?: PostMetrics;
  /** RL: the newest graded rollouts of this step. */
  rollouts?: RolloutRow[];
  /** Something the user should know about this run once, e.g. how continuing changed its schedule. */
  notice?: string;
}

/** `chat`: render the prompt as a user turn for the SFT model and stop at <|end|>. */
export type SampleOptions = Omit<SampleSettings, 'prompt'> & { chat?: boolean };

/** One token of a chat-dataset preview (src/data/chat/preview.ts). */
export interface PreviewTokenInfo { text: string; special: boolean; loss: boolean }

/** A checkpoint as the engine wrote it, with what the checkpoints list shows about it. */
export interface SavedCheckpoint {
  bytes: Uint8Array;
  step: number;
  stage: string;
  model: ModelConfig;
}

/** What a loaded checkpoint will continue with: the UI shows these settings. */
export interface LoadedCheckpoint {
  step: number;
  stage: string;
  model: ModelConfig;
  /** The run's training settings as saved (absent when the file has no schedule). */
  train: Partial<TrainSettings>;
  tokenizer: TokenizerKind | null;
}

/** Saves made by the loop: every `everyMs` during a run and once at its end. The worker takes the
 *  snapshot (between two steps) and stores it; a failure must be reported, not thrown. */
export interface AutosaveHook {
  everyMs: number;
  save(take: () => Promise<SavedCheckpoint>): Promise<void>;
}

export interface EngineBridge {
  /** The stages this engine can run; the UI enables exactly these (plus 'data'). */
  readonly stages: readonly StageId[];
  /** Runs a stage to completion, or until stop(); resolves when the loop has exited. */
  start(opts: StageOptions, onProgress: (p: EngineProgress) => void, autosave?: AutosaveHook): Promise<void>;
  /** Pauses after the current step, in every stage; start()'s promise stays pending until resume() or stop(). */
  pause(): void;
  resume(): void;
  /** Stops after the current step. */
  stop(): void;
  /** Generates from the current model, calling onToken with each new piece of text.
   *  During a run it waits for the end of the current step and holds the next one. */
  sample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string>;
  /** A complete checkpoint (safetensors bytes with config, optimiser state and step).
   *  May be called while start() runs, even paused: the engine snapshots between two steps. */
  saveCheckpoint(): Promise<SavedCheckpoint>;
  /** Validates a checkpoint and keeps it for sampling and for start({ resume: true }). */
  loadCheckpoint(bytes: Uint8Array): Promise<LoadedCheckpoint>;
  /** Example `index` of an SFT dataset as the model's tokens, marking those that carry loss. */
  previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number }>;
  /** The reward model's score of `answer` to `prompt` (a user turn). */
  score(prompt: string, answer: string): Promise<number>;
  /** `prompt` through the pretrained model (continued as text) and the SFT and RL models (as a user turn). */
  compare(prompt: string, opts: SampleOptions): Promise<CompareResult>;
}
