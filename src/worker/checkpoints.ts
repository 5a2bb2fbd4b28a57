// The worker's side of the checkpoints panel: the store opened once, and long jobs (save, read,
// import, export) that report byte progress and can be cancelled by id from the page.
import { CheckpointStore, type JobOptions } from '../checkpoint/store';
import type { JobProgress } from './protocol';
import { releaseCallback, throttled } from './throttle';

let opening: Promise<CheckpointStore> | null = null;

/** The store, opened (and garbage-collected) on first use; a failed open is retried next time. */
export function checkpointStore(): Promise<CheckpointStore> {
  opening ??= CheckpointStore.open().catch((e: unknown) => {
    opening = null;
    throw e;
  });
  return opening;
}

const jobs = new Map<string, AbortController>();

export type ProgressCallback = (batch: JobProgress[]) => void;

/** Runs a cancellable job; progress reaches the page at most 10 times a second. */
export async function runJob<T>(jobId: string, onProgress: ProgressCallback | undefined, fn: (job: JobOptions) => Promise<T>): Promise<T> {
  if (jobs.has(jobId)) throw new Error(`A job with id ${jobId} is already running.`);
  const controller = new AbortController();
  jobs.set(jobId, controller);
  const progress = onProgress ? throttled<JobProgress>(onProgress) : null;
  try {
    return await fn({ signal: controller.signal, onProgress: progress ? (done, total) => progress.push({ done, total }) : undefined });
  } finally {
    progress?.flush();
    jobs.delete(jobId);
    releaseCallback(onProgress);
  }
}

export function cancelJob(jobId: string): void {
  jobs.get(jobId)?.abort();
}
