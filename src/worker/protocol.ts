// Plain data types that cross the Comlink boundary between the page and the trainer worker.
import type { AdapterSummary } from '../gpu/device';
import type { CheckpointManifest } from '../checkpoint/store';
import type { StageId } from '../share/settings';
import type { CorpusName } from '../data/corpora';
import type { EngineProgress } from '../train/engine-types';

export type InitResult =
  | { ok: true; adapter: AdapterSummary; engine: { stages: StageId[] } | null }
  | { ok: false; error: string };

/** What a running stage reports, batched at most 10 times a second. */
export type RunEvent =
  | ({ type: 'step' } & EngineProgress)
  | { type: 'autosaved'; manifest: CheckpointManifest }
  | { type: 'autosave-failed'; error: string };

/** Byte progress of a long checkpoint job; receivers use the last one of a batch. */
export interface JobProgress { done: number; total: number }

export interface StorageInfo { usage: number; quota: number }

/** A built-in corpus as the Data stage shows it: its start, its length and its distinct characters. */
export interface CorpusPreview { name: CorpusName; preview: string; chars: number; distinctChars: number }
