// The one reactive controller <tg-app> owns and provides to every component through
// trainerContext (trainer-context.ts). It composes the pieces that each own one concern —
//   connection   the worker, GPU and engine status, the built-in corpus (trainer-connection.ts)
//   run          the run, its curves and the models this tab holds (run-controller.ts)
//   checkpoints  the stored checkpoints and the actions on them (checkpoints-controller.ts)
//   jobs         long checkpoint jobs with progress and Cancel (jobs-controller.ts)
//   storage      storage use and persistence (storage-controller.ts)
//   messages     the visible message list (messages.ts)
// — and tells subscribers to re-render at most once per animation frame, however fast progress
// arrives. It does not hold the user's settings: <tg-app> does, and passes them in with each action.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CheckpointsController } from './checkpoints-controller';
import { JobsController } from './jobs-controller';
import { Messages } from './messages';
import { StorageController } from './storage-controller';
import { RunController } from './run-controller';
import { TrainerConnection } from './trainer-connection';

export type { JobState } from './jobs-controller';
export type { Resumable, RunEnd, RunState } from './run-controller';

export class TrainerController implements ReactiveController {
  readonly messages = new Messages(() => this.changed());
  readonly connection = new TrainerConnection(this.messages, () => this.changed());
  readonly jobs = new JobsController(this.connection, this.messages, () => this.changed());
  readonly storage = new StorageController(this.connection, this.messages, () => this.changed());
  readonly checkpoints: CheckpointsController = new CheckpointsController(this.connection, this.jobs, this.storage,
    (m, info) => this.run.adoptLoaded(m, info));
  readonly run: RunController = new RunController(this.connection, this.messages, () => this.changed(),
    (storage) => (storage ? this.checkpoints.refreshAll() : this.checkpoints.refresh()));
  private listeners = new Set<() => void>();
  private frame = 0;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hostConnected(): void { this.connection.open(() => this.checkpoints.refreshAll()); }
  hostDisconnected(): void { this.connection.close(); }

  /** Schedules one notification for the next animation frame. */
  changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const l of this.listeners) l();
    });
  }
}
