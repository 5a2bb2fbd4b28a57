// Batches values for a Comlink callback so the page gets at most one message per interval
// (10 a second by default) and no value is ever dropped: each call of `send` carries everything
// pushed since the previous one, in order. Receivers take all items (loss points), the last
// (byte progress) or their concatenation (sampled text).
import { releaseProxy } from 'comlink';

export interface Throttled<T> {
  push(item: T): void;
  /** Sends what is pending now (call it when the job ends). */
  flush(): void;
}

export function throttled<T>(send: (items: T[]) => unknown, intervalMs = 100): Throttled<T> {
  let pending: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSent = -Infinity;
  const flush = () => {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    lastSent = performance.now();
    // A closed page makes the remote call reject; the job itself must not fail because of it.
    Promise.resolve(send(items)).catch(() => undefined);
  };
  return {
    push(item) {
      pending.push(item);
      if (timer === null) timer = setTimeout(flush, Math.max(0, lastSent + intervalMs - performance.now()));
    },
    flush,
  };
}

/** Frees the MessagePort behind a Comlink-proxied callback once a job no longer needs it
 *  (a plain function, as in direct calls, needs nothing). */
export function releaseCallback(cb: unknown): void {
  const release = (cb as Record<symbol, unknown> | undefined)?.[releaseProxy];
  if (typeof release === 'function') release.call(cb);
}
