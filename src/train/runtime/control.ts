// Pause, resume, stop and work "between two steps" for a running loop (loop.ts). The page, the
// worker or a signal handler call pause / resume / stop / atGap at any time; the loop calls gap()
// before every step, so each takes effect after the current step — at most one step late, in every
// stage. Work queued with atGap (a save, a sample) runs there with the model consistent, also while
// paused. It does not train or save anything itself.

type Gate = { promise: Promise<void>; open: () => void };
const openGate = (): Gate => { let open!: () => void; const promise = new Promise<void>((r) => (open = r)); return { promise, open }; };

export class RunControl {
  private abort = new AbortController();
  private pauseGate: Gate | null = null;
  private tasks: (() => Promise<void>)[] = [];
  /** Wakes a paused loop to do queued work. */
  private kick = openGate();
  private active = false;

  /** Aborted by stop(); a new run (begin) gets a fresh one. */
  get signal(): AbortSignal { return this.abort.signal; }
  get stopped(): boolean { return this.abort.signal.aborted; }
  get paused(): boolean { return this.pauseGate !== null; }
  /** A loop is between begin() and end(). */
  get running(): boolean { return this.active; }
  /** Something waits for the gap before the next step: the loop reads its results back first. */
  get wanted(): boolean { return this.paused || this.stopped || this.tasks.length > 0; }

  /** Starts a run: not stopped, not paused. */
  begin(): void {
    if (this.active) throw new Error('A run is already in progress.');
    this.active = true;
    this.abort = new AbortController();
    this.pauseGate = null;
  }

  /** Ends a run: lets a paused caller go and runs what is still queued. */
  async end(): Promise<void> {
    this.active = false;
    this.resume();
    await this.drain();
  }

  pause(): void { if (this.active) this.pauseGate ??= openGate(); }
  resume(): void { this.pauseGate?.open(); this.pauseGate = null; }
  stop(): void { this.abort.abort(); this.resume(); }

  /** Runs `fn` now when no run is in progress, else in the next gap between two steps. */
  atGap<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.active) return fn();
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(() => fn().then(resolve, reject));
      this.kick.open();
    });
  }

  /** Called by the loop before each step: runs queued work; holds here while paused.
   *  `onHold` is called each time the loop settles into a pause. */
  async gap(onHold?: () => void): Promise<void> {
    for (;;) {
      this.kick = openGate();
      await this.drain();
      if (!this.pauseGate) return;
      onHold?.();
      await Promise.race([this.pauseGate.promise, this.kick.promise]);
    }
  }

  private async drain(): Promise<void> {
    while (this.tasks.length) await this.tasks.shift()!();
  }
}
