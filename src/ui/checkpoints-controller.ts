// The checkpoints the page shows and the actions on them: the stored list, and save / load /
// export / import / rename / delete, the long ones as cancellable jobs (jobs-controller.ts); what
// changes storage use refreshes it (storage-controller.ts). A load is handed to `onLoaded` (the run
// controller adopts the model). It does not know about runs, curves or settings.
import { transfer } from 'comlink';
import type { CheckpointManifest } from '../checkpoint/store';
import type { LoadedCheckpoint } from '../worker/engine-bridge';
import type { JobsController } from './jobs-controller';
import type { StorageController } from './storage-controller';
import type { TrainerConnection } from './trainer-connection';

export class CheckpointsController {
  list: CheckpointManifest[] = [];

  constructor(private readonly conn: TrainerConnection, private readonly jobs: JobsController, private readonly storage: StorageController,
    private readonly onLoaded: (m: CheckpointManifest, info: LoadedCheckpoint) => void) {}

  async refresh(): Promise<void> {
    const list = await this.conn.attempt('Could not list checkpoints', () => this.conn.api.listCheckpoints());
    if (list) this.list = list;
  }

  /** The list and the storage use, after anything that may have changed them. */
  async refreshAll(): Promise<void> { await Promise.all([this.refresh(), this.storage.refresh()]); }

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
    await this.jobs.run(name ? `Saving "${name}"` : 'Saving a checkpoint', (id, onProgress) => this.conn.api.saveCheckpoint(name, id, onProgress));
    await this.refreshAll();
  }

  /** Loads a checkpoint into the engine; returns what it continues with (undefined on failure). */
  async load(m: CheckpointManifest): Promise<LoadedCheckpoint | undefined> {
    const info = await this.jobs.run(`Loading "${m.name}"`, (id, onProgress) => this.conn.api.loadCheckpoint(m.id, id, onProgress));
    if (info) this.onLoaded(m, info);
    return info;
  }

  /** The checkpoint's bytes, for a download. */
  async export(m: CheckpointManifest): Promise<Uint8Array | undefined> {
    const r = await this.jobs.run(`Exporting "${m.name}"`, (id, onProgress) => this.conn.api.exportCheckpoint(m.id, id, onProgress));
    return r?.bytes;
  }

  /** Imports a file; returns an error message, or '' on success. */
  async import(name: string, bytes: Uint8Array): Promise<string> {
    let error = '';
    await this.jobs.run(`Importing "${name}"`, (id, onProgress) => this.conn.api.importCheckpoint(name, transfer(bytes, [bytes.buffer]), id, onProgress), (e) => { error = e; });
    await this.refreshAll();
    return error;
  }
}
