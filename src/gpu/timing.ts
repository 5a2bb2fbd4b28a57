// GPU time of recorded work, for choosing between kernels at run time (matmul-tune.ts) and for
// benchmarks: timestamp queries around each dispatch where the adapter has 'timestamp-query',
// else the wall time from submit to onSubmittedWorkDone divided by the repetitions.
// It does not profile a whole step (profiler.ts does) and does not decide anything.
import type { Gpu } from './gpu';
import type { StepEncoder } from './step-encoder';
import { Profiler } from './profiler';

export interface GpuTimer {
  /** 'timestamps' (per-dispatch GPU time) or 'wall' (submit to completion, all included). */
  readonly method: 'timestamps' | 'wall';
  /** Milliseconds per repetition of `record`: the mean over `reps` repetitions in one submit.
   *  `record` may add several dispatches: their times add up. (Dawn may quantize timestamps to
   *  tens of microseconds: time work of at least a millisecond or so in all.) */
  time(record: (enc: StepEncoder) => void, reps: number): Promise<number>;
  destroy(): void;
}

export function createGpuTimer(gpu: Gpu, maxDispatchesPerCall = 256): GpuTimer {
  if (!gpu.hasFeature('timestamp-query')) return wallTimer(gpu);
  const profiler = new Profiler(gpu.device, maxDispatchesPerCall);
  return {
    method: 'timestamps',
    async time(record, reps) {
      await gpu.sync();
      // The step encoder takes the runtime's profiler when it is made: lend it ours for this one.
      const saved = gpu.profiler;
      gpu.profiler = profiler;
      let enc: StepEncoder;
      try { enc = gpu.encoder('timing'); } finally { gpu.profiler = saved; }
      for (let r = 0; r < reps; r++) record(enc);
      const n = enc.length;
      if (n > maxDispatchesPerCall) throw new Error(`GpuTimer: ${n} dispatches in one call exceed the timer's ${maxDispatchesPerCall}.`);
      enc.submit();
      const times = await profiler.read();
      return times.reduce((s, t) => s + t.ms, 0) / reps;
    },
    destroy() { profiler.destroy(); },
  };
}

function wallTimer(gpu: Gpu): GpuTimer {
  return {
    method: 'wall',
    async time(record, reps) {
      await gpu.sync();
      const enc = gpu.encoder('timing');
      for (let r = 0; r < reps; r++) record(enc);
      const t0 = performance.now();
      enc.submit();
      await gpu.sync();
      return (performance.now() - t0) / reps;
    },
    destroy() {},
  };
}
