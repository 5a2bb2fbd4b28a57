// Helpers for the checkpoint-store browser tests: stores on throw-away databases (deleted after
// each test), test data, and raw IndexedDB access that bypasses the store's own code.
import { afterEach } from 'vitest';
import { CheckpointStore, type SaveMeta } from '../../../src/checkpoint/store';

const opened: { store: CheckpointStore; dbName: string }[] = [];
let dbCounter = 0;

export async function openStore(options: { chunkBytes?: number; keepAutosaves?: number; dbName?: string } = {}) {
  const dbName = options.dbName ?? `store-test-${Date.now()}-${++dbCounter}`;
  const store = await CheckpointStore.open({ chunkBytes: 1000, ...options, dbName });
  opened.push({ store, dbName });
  return { store, dbName };
}

afterEach(async () => {
  for (const { store, dbName } of opened.splice(0)) {
    store.close();
    await new Promise((resolve) => { const r = indexedDB.deleteDatabase(dbName); r.onsuccess = r.onerror = r.onblocked = resolve; });
  }
});

export const meta = (name: string, kind: SaveMeta['kind'] = 'manual', step = 1): SaveMeta => ({ name, kind, step, stage: 'pretrain', summary: 'test model' });

/** Deterministic pseudo-random bytes (xorshift32). */
export function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

/** Incompressible bytes: Chromium compresses IndexedDB values, so a quota test needs real entropy. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** What is really in the chunks store. */
export function rawChunks(dbName: string): Promise<[string, number][]> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const keys = req.result.transaction('chunks').objectStore('chunks').getAllKeys();
      keys.onsuccess = () => { req.result.close(); resolve(keys.result as [string, number][]); };
    };
  });
}

/** Writes a chunk record directly, as a torn or tampered write would leave it. */
export function rawPut(dbName: string, record: { id: string; index: number; bytes: Uint8Array }): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => {
      const tx = req.result.transaction('chunks', 'readwrite');
      tx.objectStore('chunks').put(record);
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
