// Cooperative scheduling for long CPU work on the main thread or in a worker: after every
// `everyMs` of work, yield to the event loop (so messages, clicks and abort() get handled) and
// then stop with an AbortError if the signal fired.

export class Pacer {
  private lastYield = performance.now();

  constructor(private readonly signal: AbortSignal | undefined, private readonly everyMs: number, private readonly what: string) {
    if (!(everyMs >= 0)) throw new Error(`${what}: yieldEveryMs must be a non-negative number of milliseconds, got ${everyMs}`);
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) throw new DOMException(`${this.what} was cancelled`, 'AbortError');
  }

  /** True once the current slice of work has run its time. */
  get due(): boolean {
    return performance.now() - this.lastYield >= this.everyMs;
  }

  async yield(): Promise<void> {
    await nextTask();
    this.lastYield = performance.now();
    this.throwIfAborted();
  }
}

/**
 * Resolve in a new task, letting queued events run first. A MessageChannel message is used
 * because browsers clamp nested setTimeout(0) to >= 4 ms, which would slow training noticeably.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
