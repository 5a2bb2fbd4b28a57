// The one training loop (src/train/runtime/loop.ts) and its control, on a stage made up for the
// test: results are held back and read in batches (as on a GPU), and the test sees exactly which
// steps ran before a pause, a stop, a save or an evaluation took effect.
import { describe, it, expect } from 'vitest';
import { runStage } from '../../src/train/runtime/loop';
import { RunControl } from '../../src/train/runtime/control';
import type { StageRun, StepResult } from '../../src/train/runtime/stage-run';

/** A stage whose step k has loss 1/k; results come back every `readEvery` steps, as LmTrainer's. */
class FakeRun implements StageRun<StepResult, { at: number }> {
  readonly stage = 'fake';
  step = 0;
  /** Everything the loop did, in order: 'step 3', 'flush', 'eval 4', ... */
  readonly log: string[] = [];
  /** Called after each step is submitted (where a user's click lands mid-run). */
  afterStep: (step: number) => void = () => undefined;
  private pending: StepResult[] = [];

  constructor(readonly totalSteps: number, readonly evalEvery: number, private readonly readEvery: number) {}

  tokensOf(): number { return 10; }

  async trainStep(): Promise<StepResult[]> {
    this.step++;
    this.log.push(`step ${this.step}`);
    this.pending.push({ step: this.step, loss: 1 / this.step, lr: 0.1, skipped: this.step === 3 });
    this.afterStep(this.step);
    return this.pending.length >= this.readEvery ? this.flush() : [];
  }

  async flush(): Promise<StepResult[]> {
    if (this.pending.length) this.log.push('flush');
    return this.pending.splice(0);
  }

  async evaluateHeldout(): Promise<{ at: number }> {
    this.log.push(`eval ${this.step}`);
    return { at: this.step };
  }

  async checkpoint(): Promise<Uint8Array> { return Uint8Array.of(this.step); }
  async sync(): Promise<void> { this.log.push('sync'); }
  destroy(): void {}
}

/** A promise and the function that resolves it. */
function when<T>(): { resolve: (v: T) => void; promise: Promise<T> } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { resolve, promise };
}

describe('runStage', () => {
  it('reports every step once, in order, with progress; evaluates at the cadence and at the end', async () => {
    const run = new FakeRun(10, 4, 3);
    const steps: number[] = [], evals: number[] = [];
    let lastEta = NaN;
    const end = await runStage(run, {
      onStep: (r, p) => { steps.push(r.step); expect(p.totalSteps).toBe(10); expect(p.skipped).toBe(r.step >= 3 ? 1 : 0); lastEta = p.etaSec; },
      onEval: (m, step) => { evals.push(step); expect(m.at).toBe(step); },
    });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(evals).toEqual([4, 8, 10]);
    expect(lastEta).toBe(0);
    expect(end).toEqual({ reason: 'done', steps: 10, skipped: 1 });
    // Results are read back before each evaluation, and only every 3 steps otherwise.
    expect(run.log.indexOf('eval 4')).toBe(run.log.lastIndexOf('flush', run.log.indexOf('eval 4')) + 1);
    expect(run.log.filter((x) => x === 'flush')).toHaveLength(5); // after 3, 4 (eval), 7, 8 (eval), 10 (end)
    expect(run.log[run.log.length - 1]).toBe('sync');
  });

  it('takes `steps` more from where a resumed run stands', async () => {
    const run = new FakeRun(10, 0, 1);
    run.step = 6;
    const steps: number[] = [];
    const end = await runStage(run, { steps: 2, onStep: (r) => steps.push(r.step) });
    expect(steps).toEqual([7, 8]);
    expect(end.reason).toBe('limit');
  });

  it('pauses after the current step with evaluate-every 0, reads back first, and resumes', async () => {
    const run = new FakeRun(12, 0, 5);
    const control = new RunControl();
    control.begin();
    const paused = when<number>();
    run.afterStep = (step) => { if (step === 2) control.pause(); };
    const reported: number[] = [];
    const done = runStage(run, { control, onStep: (r) => reported.push(r.step), onPause: (step) => paused.resolve(step) });
    expect(await paused.promise).toBe(2);
    // Held at step 2 with its results reported, though a read-back was 3 steps away.
    expect(run.step).toBe(2);
    expect(reported).toEqual([1, 2]);
    // Work queued meanwhile runs in the pause, on the model as it is after step 2.
    expect(await control.atGap(() => run.checkpoint())).toEqual(Uint8Array.of(2));
    expect(run.step).toBe(2);
    control.resume();
    const end = await done;
    await control.end();
    expect(end.reason).toBe('done');
    expect(reported).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('stops after the current step', async () => {
    const run = new FakeRun(50, 0, 5);
    const control = new RunControl();
    control.begin();
    run.afterStep = (step) => { if (step === 7) control.stop(); };
    const reported: number[] = [];
    const end = await runStage(run, { control, onStep: (r) => reported.push(r.step) });
    await control.end();
    expect(end).toEqual({ reason: 'stopped', steps: 7, skipped: 1 });
    expect(reported).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs a save or sample queued during a step before the next step', async () => {
    const run = new FakeRun(6, 0, 10);
    const control = new RunControl();
    control.begin();
    let saved: Promise<Uint8Array> | null = null;
    run.afterStep = (step) => { if (step === 4) saved = control.atGap(() => run.checkpoint()); };
    await runStage(run, { control });
    await control.end();
    expect(await saved!).toEqual(Uint8Array.of(4));
    expect(run.log.indexOf('step 5')).toBeGreaterThan(run.log.indexOf('flush'));
  });

  it('autosaves between steps when the period has passed, and once at the end', async () => {
    const run = new FakeRun(4, 0, 10);
    const saves: number[] = [];
    await runStage(run, { autosave: { everyMs: 0, save: async () => { saves.push(run.step); } } });
    // everyMs 0: due before every step after the first, plus the final one.
    expect(saves).toEqual([1, 2, 3, 4]);
    const none: number[] = [];
    const finished = new FakeRun(4, 0, 10);
    finished.step = 4;
    await runStage(finished, { autosave: { everyMs: 0, save: async () => { none.push(finished.step); } } });
    expect(none).toEqual([]); // a run that took no step has nothing new to keep
  });

  it('a control pauses and stops only a running loop; queued work runs at once when none runs', async () => {
    const control = new RunControl();
    control.pause();
    expect(control.paused).toBe(false);
    expect(await control.atGap(async () => 5)).toBe(5);
    control.begin();
    expect(() => control.begin()).toThrow(/already in progress/);
    control.stop();
    expect(control.stopped).toBe(true);
    await control.end();
    control.begin();
    expect(control.stopped).toBe(false);
    await control.end();
  });
});
