// Long jobs the page waits on (checkpoint save, load, import, export): each is listed with its
// byte progress while it runs and can be cancelled by id; a failure becomes a visible message.
// It does not know what a job does: the caller passes the worker call.
import { proxy } from 'comlink';
import type { JobProgress } from '../worker/protocol';
import type { Messages } from './messages';
import { errorText, type TrainerConnection } from './trainer-connection';

export interface JobState { id: string; label: string; done: number; total: number }

export class JobsController {
  list: JobState[] = [];
  private counter = 0;

  constructor(private readonly conn: TrainerConnection, private readonly messages: Messages, private readonly changed: () => void) {}

  get busy(): boolean { return this.list.length > 0; }

  /** Runs `fn` as a listed job; undefined when it failed (reported, or handed to `onError`). */
  async run<T>(label: string, fn: (id: string, onProgress: (b: JobProgress[]) => void) => Promise<T>, onError?: (message: string) => void): Promise<T | undefined> {
    const job: JobState = { id: `job-${++this.counter}`, label, done: 0, total: 0 };
    this.list = [...this.list, job];
    this.changed();
    const onProgress = proxy((batch: JobProgress[]) => {
      const last = batch[batch.length - 1];
      if (last) { job.done = last.done; job.total = last.total; this.changed(); }
    });
    try {
      return await fn(job.id, onProgress);
    } catch (e) {
      if (onError) onError(errorText(e));
      else this.messages.error(`${label} failed: ${errorText(e)}`);
      return undefined;
    } finally {
      this.list = this.list.filter((j) => j !== job);
      this.changed();
    }
  }

  cancel(id: string): void { void this.conn.maybeApi?.cancelJob(id); }
}
