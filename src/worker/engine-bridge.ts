// The seam between the worker (this folder) and the training engine (src/train/engine.ts): the
// engine this build runs, and its protocol types (src/train/engine-types.ts), re-exported so the
// page imports them from the worker layer. The worker never reaches into the engine any other way.
import type { Gpu } from '../gpu/gpu';
import { TrainingEngine } from '../train/engine';
import type { EngineBridge } from '../train/engine-types';

export type * from '../train/engine-types';

/** The engine this build runs (null would mean none is connected: the UI then says so). */
export function createEngine(gpu: Gpu): EngineBridge | null {
  return new TrainingEngine(gpu);
}
