// The headless stages' way into the one training loop (src/train/runtime/loop.ts), the same loop
// the app's worker drives: prints what resuming changed about the schedule, and makes Ctrl-C stop
// after the current step (so the stage still writes its --out checkpoint); a second Ctrl-C quits.
import { RunControl } from '../train/runtime/control';
import { runStage, type LoopEnd, type LoopOptions } from '../train/runtime/loop';
import type { StageRun, StepResult } from '../train/runtime/stage-run';

export async function runInTerminal<R extends StepResult, E>(run: StageRun<R, E> & { resumeNotice?: string },
  hooks: Pick<LoopOptions<R, E>, 'steps' | 'onStep' | 'onEval'> = {}): Promise<LoopEnd> {
  if (run.resumeNotice) console.log(`note: ${run.resumeNotice}`);
  const control = new RunControl();
  control.begin();
  const onInterrupt = () => {
    console.log(`\nstopping after step ${run.step + 1} (Ctrl-C again quits at once, without saving)`);
    control.stop();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    const end = await runStage(run, { ...hooks, control });
    if (end.reason === 'stopped') console.log(`stopped at step ${run.step} of ${run.totalSteps}`);
    return end;
  } finally {
    process.off('SIGINT', onInterrupt);
    await control.end();
  }
}
