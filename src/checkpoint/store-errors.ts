// Errors from the checkpoint store, with messages a person can act on.
import { formatBytes } from '../util/format';

export type StoreErrorKind = 'quota' | 'not-found' | 'corrupt' | 'cancelled' | 'invalid' | 'unavailable';

export class StoreError extends Error {
  constructor(readonly kind: StoreErrorKind, message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** True for the browser's out-of-storage errors (IndexedDB reports them on the request or the
 *  aborted transaction, depending on when the quota check runs). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  const message = String((e as { message?: unknown } | null)?.message ?? '');
  return name === 'QuotaExceededError' || /quota/i.test(message);
}

export async function quotaError(what: string, bytes: number): Promise<StoreError> {
  let room = '';
  try {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    if (quota > 0) room = ` This site uses ${formatBytes(usage)} of the ${formatBytes(quota)} the browser allows it.`;
  } catch {
    // The estimate only improves the message; the error stands without it.
  }
  return new StoreError('quota',
    `Not enough browser storage to save ${what} (${formatBytes(bytes)}).${room} ` +
    'Your earlier checkpoints are untouched. Export and delete old checkpoints, or free disk space, then save again.');
}

export const cancelled = (what: string): StoreError => new StoreError('cancelled', `${what} was cancelled; nothing was saved.`);
