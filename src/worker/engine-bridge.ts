// The seam between the worker (this folder) and the training engine (src/model, src/train).
// The worker owns the GPU, the checkpoint store, progress throttling and autosaves; the engine
// owns models, data, optimisers and sampling, and implements EngineBridge. The worker never
// reaches into the engine any other way, and the engine never touches IndexedDB or the page.
import type { Gpu } from '../gpu/gpu';
import type { ModelConfig } from '../model/config';
import type { DataSettings, SampleSettings, StageId, TrainSettings } from '../share/settings';
import { TrainingEngine } from '../train/engine';

/** Everything one stage run needs, as the user set it. */
export interface StageOptions {
  stage: StageId;
  model: ModelConfig;
  /** source 'builtin' means the generated corpus (src/data/corpus.ts); otherwise `text`. */
  data: DataSettings;
  train: TrainSettings;
}

/** One report per optimiser step (the worker batches them to at most 10 messages a second). */
export interface EngineProgress {
  step: number;
  totalSteps: number;
  trainLoss: number;
  /** Present on steps where validation ran. */
  valLoss?: number;
  lr: number;
  tokensPerSec: number;
  /** Optional phase text, e.g. "tokenizing", "compiling kernels". */
  message?: string;
}

export type SampleOptions = Omit<SampleSettings, 'prompt'>;

export interface EngineBridge {
  /** The stages this engine can run; the UI enables exactly these (plus 'data'). */
  readonly stages: readonly StageId[];
  /** Runs a stage to completion, or until stop(); resolves when the loop has exited. */
  start(opts: StageOptions, onProgress: (p: EngineProgress) => void): Promise<void>;
  /** Pauses between steps; start()'s promise stays pending until resume() or stop(). */
  pause(): void;
  resume(): void;
  stop(): void;
  /** Generates from the current model, calling onToken with each new piece of text. */
  sample(prompt: string, opts: SampleOptions, onToken: (text: string) => void): Promise<string>;
  /** A complete checkpoint (safetensors bytes with config, optimiser state and step).
   *  May be called while start() runs: the engine snapshots between two steps. */
  saveCheckpoint(): Promise<Uint8Array>;
  /** Rebuilds model and optimiser from a checkpoint's own config. */
  loadCheckpoint(bytes: Uint8Array): Promise<void>;
}

/** The engine this build runs (null would mean none is connected: the UI then says so). */
export function createEngine(gpu: Gpu): EngineBridge | null {
  return new TrainingEngine(gpu);
}
