// The browser storage the checkpoints live in: how much is used of the quota, and whether the
// browser keeps it under pressure (persistent storage), with the request for that.
// It does not list or write checkpoints (checkpoints-controller.ts).
import type { StorageInfo } from '../worker/protocol';
import type { Messages } from './messages';
import type { TrainerConnection } from './trainer-connection';

export class StorageController {
  info: StorageInfo | null = null;
  persisted: boolean | null = null;

  constructor(private readonly conn: TrainerConnection, private readonly messages: Messages, private readonly changed: () => void) {}

  async refresh(): Promise<void> {
    this.info = (await this.conn.attempt('Could not read storage use', () => this.conn.api.storageEstimate())) ?? null;
    this.persisted = (await navigator.storage?.persisted?.()) ?? null;
    this.changed();
  }

  /** Asks the browser to keep this site's storage under pressure (Window-only API). */
  async requestPersist(): Promise<void> {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    this.persisted = granted;
    if (granted) this.messages.notice('The browser will keep your checkpoints even when disk space runs low.');
    else this.messages.notice('The browser declined persistent storage for now (it often grants it to installed apps or bookmarked sites). Export important checkpoints to be safe.');
    this.changed();
  }
}
