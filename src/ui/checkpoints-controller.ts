// The checkpoints the page shows and the jobs on them: the stored list, storage use and
// persistence, and save / load / export / import / rename / delete, each long one a cancellable
// job with byte progress. A load is handed to `onLoaded` (the run controller adopts the model).
// It does not know about runs, curves or settings.
import { proxy, transfer } from 'comlink';
import type { CheckpointManifest } from '../checkpoint/store';
import type { LoadedCheckpoint } from '../worker/engine-bridge';
import type { JobProgress, StorageInfo } from '../worker/protocol';
import type { Messages } from './messages';
import { errorText, type TrainerConnection } from './trainer-connection';

export interface JobState { id: string; label: string; done: number; total: number }

export class CheckpointsController {
  list: CheckpointManifest[] = [];
  storage: StorageInfo | null = null;
  persisted: boolean | null = null;
  jobs: JobState[] = [];
  private jobCounter = 0;

  constructor(private readonly conn: TrainerConnection, private readonly messages: Messages, private readonly changed: () => void,
    private readonly onLoaded: (m: CheckpointManifest, info: LoadedCheckpoint) => void) {}

  async refresh(): Promise<void> {
    const list = await this.conn.attempt('Could not list checkpoints', () => this.conn.api.listCheckpoints());
    if (list) this.list = list;
  }

  async refreshStorage(): Promise<void> {
    this.storage = (await this.conn.attempt('Could not read storage use', () => this.conn.api.storageEstimate())) ?? null;
    this.persisted = (await navigator.storage?.persisted?.()) ?? null;
    this.changed();
  }

  /** The list and the storage use, after anything that may have changed them. */
  async refreshAll(): Promise<void> { await Promise.all([this.refresh(), this.refreshStorage()]); }

  /** Asks the browser to keep this site's storage under pressure (Window-only API). */
  async requestPersist(): Promise<void> {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    this.persisted = granted;
    if (granted) this.messages.notice('The browser will keep your checkpoints even when disk space runs low.');
    else this.messages.notice('The browser declined persistent storage for now (it often grants it to installed apps or bookmarked sites). Export important checkpoints to be safe.');
    this.changed();
  }

  async rename(id: string, name: string): Promise<boolean> {
    const ok = await this.conn.attempt('Could not rename', () => this.conn.api.renameCheckpoint(id, name));
    await this.refresh();
    return ok !== undefined;
  }

  async delete(id: string): Promise<void> {
    await this.conn.attempt('Could not delete', () => this.conn.api.deleteCheckpoint(id));
    await this.refreshAll();
  }

  /** Saves the engine's model; an empty name lets the worker call it after its step. */
  async save(name: string): Promise<void> {
    await this.withJob(name ? `Saving "${name}"` : 'Saving a checkpoint', (id, onProgress) => this.conn.api.saveCheckpoint(name, id, onProgress));
    await this.refreshAll();
  }

  /** Loads a checkpoint into the engine; returns what it continues with (undefined on failure). */
  async load(m: CheckpointManifest): Promise<LoadedCheckpoint | undefined> {
    const info = await this.withJob(`Loading "${m.name}"`, (id, onProgress) => this.conn.api.loadCheckpoint(m.id, id, onProgress));
    if (info) this.onLoaded(m, info);
    return info;
  }

  /** The checkpoint's bytes, for a download. */
  async export(m: CheckpointManifest): Promise<Uint8Array | undefined> {
    const r = await this.withJob(`Exporting "${m.name}"`, (id, onProgress) => this.conn.api.exportCheckpoint(m.id, id, onProgress));
    return r?.bytes;
  }

  /** Imports a file; returns an error message, or '' on success. */
  async import(name: string, bytes: Uint8Array): Promise<string> {
    let error = '';
    await this.withJob(`Importing "${name}"`, (id, onProgress) => this.conn.api.importCheckpoint(name, transfer(bytes, [bytes.buffer]), id, onProgress), (e) => { error = e; });
    await this.refreshAll();
    return error;
  }

  cancelJob(id: string): void { void this.conn.maybeApi?.cancelJob(id); }

  private async withJob<T>(label: string, fn: (id: string, onProgress: (b: JobProgress[]) => void) => Promise<T>, onError?: (message: string) => void): Promise<T | undefined> {
    const job: JobState = { id: `job-${++this.jobCounter}`, label, done: 0, total: 0 };
    this.jobs = [...this.jobs, job];
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
      this.jobs = this.jobs.filter((j) => j !== job);
      this.changed();
    }
  }
}
