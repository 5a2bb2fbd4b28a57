// The one training loop, for every stage (a StageRun) and every driver (the app's engine and the
// headless runner): it owns the steps to take, progress, tokens per second and ETA, the evaluation
// cadence, the gap between two steps (pause, resume, stop, saves and samples: RunControl), periodic
// and final autosaves, and resuming (a run rebuilt from a checkpoint just starts at its step).
// Step results are read back when the stage returns them (amortised), and always before a gap's
// work, an evaluation, a pause and the end, so reports are complete and in step order.
// It does not build runs, write files or talk to the page: its hooks do.
import type { StageRun, StepResult } from './stage-run';
import type { RunControl } from './control';

export interface LoopProgress {
  step: number;
  totalSteps: number;
  tokensPerSec: number;
  /** Seconds to the loop's last step at the pace so far (NaN before the first step). */
  etaSec: number;
  /** Seconds since this loop started. */
  elapsedSec: number;
  /** Steps skipped so far in this loop (non-finite gradient). */
  skipped: number;
}

export interface LoopOptions<R extends StepResult, E> {
  /** Stop after this many more steps (default: at the run's last step). */
  steps?: number;
  /** Pause, stop and between-step work; without one the loop runs straight through. */
  control?: RunControl;
  /** Every step's result, in order, as it is read back. */
  onStep?: (result: R, progress: LoopProgress) => void;
  /** Held-out metrics, measured after `step`. */
  onEval?: (metrics: E, step: number) => void;
  /** The loop has settled into a pause after `step` (results up to it are reported). */
  onPause?: (step: number) => void;
  /** Saved every `everyMs` (between two steps) and once after the last step if any step ran. */
  autosave?: { everyMs: number; save: () => Promise<void> };
}

export interface LoopEnd {
  /** 'done': the run reached its last step; 'limit': `steps` more were taken; 'stopped': stop(). */
  reason: 'done' | 'limit' | 'stopped';
  /** Steps taken by this loop, and how many of them were skipped. */
  steps: number;
  skipped: number;
}

export async function runStage<R extends StepResult, E>(run: StageRun<R, E>, opts: LoopOptions<R, E> = {}): Promise<LoopEnd> {
  const { control, autosave } = opts;
  const end = Math.min(run.totalSteps, opts.steps !== undefined ? run.step + opts.steps : run.totalSteps);
  const startStep = run.step;
  const t0 = performance.now();
  let tokens = 0, skipped = 0, lastSave = t0;

  const report = (results: R[]) => {
    for (const r of results) {
      if (r.skipped) skipped++;
      tokens += run.tokensOf(r);
      if (!opts.onStep) continue;
      const elapsedSec = (performance.now() - t0) / 1000;
      const done = r.step - startStep;
      opts.onStep(r, { step: r.step, totalSteps: run.totalSteps, tokensPerSec: tokens / Math.max(elapsedSec, 1e-9),
        etaSec: done > 0 ? ((end - r.step) * elapsedSec) / done : NaN, elapsedSec, skipped });
    }
  };

  while (run.step < end && !control?.stopped) {
    const saveDue = autosave !== undefined && run.step > startStep && performance.now() - lastSave >= autosave.everyMs;
    if (control?.wanted || saveDue) report(await run.flush());
    if (saveDue) { await autosave!.save(); lastSave = performance.now(); }
    if (control) await control.gap(() => opts.onPause?.(run.step));
    if (control?.stopped) break;
    report(await run.trainStep());
    const ev = run.evalEvery;
    if ((ev > 0 && run.step % ev === 0) || run.step === end) {
      report(await run.flush());
      if (ev > 0) {
        const metrics = await run.evaluateHeldout(control?.signal);
        if (metrics !== undefined) opts.onEval?.(metrics, run.step);
      }
    }
  }
  report(await run.flush());
  await run.sync();
  const steps = run.step - startStep;
  if (autosave && steps > 0) await autosave.save();
  return { reason: run.step >= run.totalSteps ? 'done' : control?.stopped ? 'stopped' : 'limit', steps, skipped };
}
