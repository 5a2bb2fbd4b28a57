// The IndexedDB layout of the checkpoint store (see store.ts for how it is used):
//   manifests  keyPath 'id'            one small record per COMPLETE checkpoint, written last
//   chunks     keyPath ['id','index']  the checkpoint's bytes, in pieces of at most CHUNK_BYTES
// A checkpoint exists only if its manifest does; chunks without one are debris from a torn write.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

export const DB_NAME = 'tabgpt-checkpoints';
const DB_VERSION = 1;

/** Largest piece of a checkpoint stored in one record (64 MiB): big records are slow to clone
 *  and some browsers refuse single values near the quota. */
export const CHUNK_BYTES = 64 * 1024 * 1024;

export type CheckpointKind = 'manual' | 'auto' | 'import';

export interface CheckpointManifest {
  id: string;
  name: string;
  /** ms since the epoch */
  created: number;
  step: number;
  stage: string;
  kind: CheckpointKind;
  /** One line about the model, e.g. "2 layers, d 128, 0.4M params". */
  summary: string;
  byteLength: number;
  chunkCount: number;
  chunkBytes: number;
  /** Hex SHA-256 of all the bytes, checked on every read. */
  sha256: string;
  /** The model this one was trained from (absent for a run from scratch and for older records),
   *  so the list can show the lineage pretrain → SFT → reward / RLHF. */
  parent?: CheckpointParent;
}

/** What a checkpoint was trained from, in words a list can show. */
export interface CheckpointParent {
  /** The stored checkpoint's id when the run started from one. */
  id?: string;
  name: string;
  stage: string;
  step: number;
}

export interface ChunkRecord {
  id: string;
  index: number;
  bytes: Uint8Array;
}

export interface StoreSchema extends DBSchema {
  manifests: { key: string; value: CheckpointManifest };
  chunks: { key: [string, number]; value: ChunkRecord };
}

export type StoreDb = IDBPDatabase<StoreSchema>;

export function openStoreDb(name = DB_NAME): Promise<StoreDb> {
  return openDB<StoreSchema>(name, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('manifests', { keyPath: 'id' });
      db.createObjectStore('chunks', { keyPath: ['id', 'index'] });
    },
  });
}

/** Every chunk key of one checkpoint, whatever its chunk count. */
export const chunkRange = (id: string): IDBKeyRange => IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]);
