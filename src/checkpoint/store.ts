// The browser's checkpoint store (IndexedDB): save, list, read, rename, delete, with
// crash safety and quota handling. Works on the page and in a worker.
//
// Crash safety: a checkpoint's bytes go into `chunks` first, one transaction per chunk, and its
// manifest is written LAST in its own transaction. Only manifests are listed or loaded, so a write
// torn by a closed tab, a crash or a full disk is invisible; its chunks are garbage-collected the
// next time the store opens. Deleting removes the manifest first for the same reason.
// Every read is checked against the SHA-256 recorded at save time.
//
// It does not know what the bytes mean (the safetensors codec does) and never decides when to save.
import { type CheckpointKind, type CheckpointManifest, type CheckpointParent, CHUNK_BYTES, type StoreDb, chunkRange, openStoreDb } from './store-db';
import { StoreError, cancelled, isQuotaError, quotaError } from './store-errors';

export type { CheckpointKind, CheckpointManifest, CheckpointParent } from './store-db';
export { StoreError } from './store-errors';

export interface StoreOptions {
  dbName?: string;
  /** Bytes per stored chunk; at most CHUNK_BYTES. Tests use small chunks to exercise splitting. */
  chunkBytes?: number;
  /** How many autosaves to keep per stage; after each autosave, older ones OF THAT STAGE are
   *  deleted, so a stage's runs never evict another stage's autosaves. Manual saves stay. */
  keepAutosaves?: number;
}

export interface SaveMeta {
  name: string;
  step: number;
  stage: string;
  kind: CheckpointKind;
  summary: string;
  parent?: CheckpointParent;
}

export interface JobOptions {
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** Held while writing chunks and while collecting garbage, across tabs, so one tab never
 *  collects the chunks another tab is still writing. */
const WRITE_LOCK = 'tabgpt-checkpoint-write';
const MAX_NAME = 120;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function cleanName(name: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(n))
    throw new StoreError('invalid', `A checkpoint name must be 1 to ${MAX_NAME} characters of plain text.`);
  return n;
}

export class CheckpointStore {
  /** The newest creation time this store handed out: times strictly increase, so "newest" is
   *  well defined even for saves within one millisecond. */
  private lastCreated = 0;

  private constructor(private readonly db: StoreDb, readonly chunkBytes: number, readonly keepAutosaves: number) {}

  /** Opens the store and removes the debris of any torn write. */
  static async open(opts: StoreOptions = {}): Promise<CheckpointStore> {
    if (typeof indexedDB === 'undefined')
      throw new StoreError('unavailable', 'This browser offers no IndexedDB storage (private windows sometimes turn it off), so checkpoints cannot be kept.');
    const chunkBytes = Math.min(opts.chunkBytes ?? CHUNK_BYTES, CHUNK_BYTES);
    const store = new CheckpointStore(await openStoreDb(opts.dbName), chunkBytes, opts.keepAutosaves ?? 3);
    await store.collectGarbage();
    return store;
  }

  /** Complete checkpoints only, newest first. */
  async list(): Promise<CheckpointManifest[]> {
    const all = await this.db.getAll('manifests');
    return all.sort((a, b) => b.created - a.created);
  }

  async get(id: string): Promise<CheckpointManifest> {
    const m = await this.db.get('manifests', id);
    if (!m) throw new StoreError('not-found', 'That checkpoint no longer exists (it may have been deleted in another tab).');
    return m;
  }

  /** Saves `bytes` as a new checkpoint. On any failure, earlier checkpoints are untouched and
   *  nothing half-written is ever listed. */
  async save(bytes: Uint8Array, meta: SaveMeta, job: JobOptions = {}): Promise<CheckpointManifest> {
    const name = cleanName(meta.name);
    if (bytes.byteLength === 0) throw new StoreError('invalid', 'A checkpoint cannot be empty.');
    const id = crypto.randomUUID();
    const sha256 = await sha256Hex(bytes);
    const total = bytes.byteLength;
    const chunkCount = Math.ceil(total / this.chunkBytes);
    const manifest: CheckpointManifest = {
      id, name, created: (this.lastCreated = Math.max(Date.now(), this.lastCreated + 1)), step: meta.step, stage: meta.stage, kind: meta.kind, summary: meta.summary,
      byteLength: total, chunkCount, chunkBytes: this.chunkBytes, sha256,
      ...(meta.parent ? { parent: { ...meta.parent } } : {}),
    };
    await withLock({}, async () => {
      try {
        for (let i = 0; i < chunkCount; i++) {
          if (job.signal?.aborted) throw cancelled(`Saving "${name}"`);
          const end = Math.min(total, (i + 1) * this.chunkBytes);
          // slice(), not subarray(): a view would clone its whole underlying buffer into each chunk.
          const tx = this.db.transaction('chunks', 'readwrite');
          await Promise.all([tx.store.put({ id, index: i, bytes: bytes.slice(i * this.chunkBytes, end) }), tx.done]);
          job.onProgress?.(end, total);
        }
        const tx = this.db.transaction('manifests', 'readwrite');
        await Promise.all([tx.store.put(manifest), tx.done]);
      } catch (e) {
        await this.deleteChunks(id).catch(() => undefined);
        if (isQuotaError(e)) throw await quotaError(`"${name}"`, total);
        throw e;
      }
    });
    if (meta.kind === 'auto') await this.pruneAutosaves(meta.stage);
    return manifest;
  }

  /** All bytes of a checkpoint, verified against its SHA-256. */
  async read(id: string, job: JobOptions = {}): Promise<Uint8Array> {
    const m = await this.get(id);
    const damaged = () => new StoreError('corrupt', `Checkpoint "${m.name}" is damaged or was deleted while reading. Delete it, or import a good copy.`);
    const out = new Uint8Array(m.byteLength);
    let offset = 0;
    for (let i = 0; i < m.chunkCount; i++) {
      if (job.signal?.aborted) throw new StoreError('cancelled', `Reading "${m.name}" was cancelled.`);
      const rec = await this.db.get('chunks', [id, i]);
      if (!rec || offset + rec.bytes.byteLength > m.byteLength) throw damaged();
      out.set(rec.bytes, offset);
      offset += rec.bytes.byteLength;
      job.onProgress?.(offset, m.byteLength);
    }
    if (offset !== m.byteLength || (await sha256Hex(out)) !== m.sha256) throw damaged();
    return out;
  }

  /** Renames a checkpoint. A renamed autosave becomes a manual save, so retention keeps it. */
  async rename(id: string, newName: string): Promise<CheckpointManifest> {
    const name = cleanName(newName);
    const tx = this.db.transaction('manifests', 'readwrite');
    const m = await tx.store.get(id);
    if (!m) throw new StoreError('not-found', 'That checkpoint no longer exists (it may have been deleted in another tab).');
    const renamed: CheckpointManifest = { ...m, name, kind: m.kind === 'auto' ? 'manual' : m.kind };
    await Promise.all([tx.store.put(renamed), tx.done]);
    return renamed;
  }

  /** Deletes the manifest first (the checkpoint disappears at once), then its chunks. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction('manifests', 'readwrite');
    await Promise.all([tx.store.delete(id), tx.done]);
    await this.deleteChunks(id);
  }

  /** Removes chunks that belong to no manifest; returns how many. Skipped while another tab writes. */
  async collectGarbage(): Promise<number> {
    return withLock({ ifAvailable: true }, async () => {
      const live = new Set(await this.db.getAllKeys('manifests'));
      const orphans = new Set<string>();
      for (const [id] of await this.db.getAllKeys('chunks')) if (!live.has(id)) orphans.add(id);
      let removed = 0;
      for (const id of orphans) removed += await this.deleteChunks(id);
      return removed;
    }, 0);
  }

  close(): void { this.db.close(); }

  private async deleteChunks(id: string): Promise<number> {
    const tx = this.db.transaction('chunks', 'readwrite');
    const n = await tx.store.count(chunkRange(id));
    await Promise.all([tx.store.delete(chunkRange(id)), tx.done]);
    return n;
  }

  /** Keeps the newest `keepAutosaves` autosaves of `stage` (list() is newest first). */
  private async pruneAutosaves(stage: string): Promise<void> {
    const autos = (await this.list()).filter((m) => m.kind === 'auto' && m.stage === stage);
    for (const old of autos.slice(this.keepAutosaves)) await this.delete(old.id);
  }
}

/** Runs `fn` under the cross-tab write lock (where Web Locks exist). With `ifAvailable`, returns
 *  `busy` instead of waiting when another tab holds it. */
async function withLock<T>(opts: { ifAvailable?: boolean }, fn: () => Promise<T>, busy?: T): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request(WRITE_LOCK, opts, async (lock) => (lock ? fn() : (busy as T)));
}

/** How much this origin stores and may store, in bytes (0 when the browser will not say). */
export async function storageEstimate(): Promise<{ usage: number; quota: number }> {
  const e = await navigator.storage?.estimate?.();
  return { usage: e?.usage ?? 0, quota: e?.quota ?? 0 };
}
