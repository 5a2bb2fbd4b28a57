// What a resumed run keeps of its saved schedule (README "Continuing a run"): the learning-rate
// horizon stays when the total step count changes, and the notice says so; a new peak rate changes
// the schedule, and the notice says that too.
import { describe, it, expect } from 'vitest';
import { makeSettings, resumeSettings, scheduleOf } from '../../src/train/settings';
import { learningRate } from '../../src/train/schedule';

const saved = makeSettings({ steps: 100, lr: 1e-3, minLr: 1e-4, warmupSteps: 10 });

describe('resumeSettings', () => {
  it('changes nothing and says nothing when continued as saved', () => {
    const { settings, notice } = resumeSettings({}, saved, {});
    expect(notice).toBeUndefined();
    expect(scheduleOf(settings)).toEqual(scheduleOf(saved));
  });

  it('keeps the original horizon when the run is extended: the rate stays at the floor after it', () => {
    const { settings, notice } = resumeSettings({}, saved, { steps: 300 });
    expect(settings.steps).toBe(300);
    expect(settings.scheduleSteps).toBe(100);
    for (const step of [0, 5, 50, 99]) expect(learningRate(scheduleOf(settings), step)).toBe(learningRate(scheduleOf(saved), step));
    expect(learningRate(scheduleOf(settings), 200)).toBeCloseTo(1e-4, 15);
    expect(notice).toBe('The run now ends at step 300 (it was set to 100); its learning-rate schedule keeps the original horizon of 100 steps, so steps after 100 train at the floor rate 1.00e-4.');
  });

  it('keeps the horizon when the run is shortened, and across a second resume', () => {
    const once = resumeSettings({}, saved, { steps: 60 });
    expect(once.notice).toBe('The run now ends at step 60 (it was set to 100); its learning-rate schedule keeps the original horizon of 100 steps.');
    const twice = resumeSettings({}, once.settings, { steps: 500 });
    expect(twice.settings.scheduleSteps).toBe(100);
  });

  it('names the step where the rate really reaches its floor when warmup outlasts the horizon', () => {
    const short = makeSettings({ steps: 6, warmupSteps: 20, lr: 3e-3, minLr: 3e-4 });
    const { settings, notice } = resumeSettings({}, short, { steps: 30 });
    expect(notice).toBe('The run now ends at step 30 (it was set to 6); its learning-rate schedule keeps the original horizon of 6 steps, so steps after 21 train at the floor rate 3.00e-4.');
    // Step s (1-based) trains at learningRate(s - 1): step 21 at the peak, every step after at the floor.
    expect(learningRate(scheduleOf(settings), 20)).toBeCloseTo(3e-3, 15);
    for (const t of [21, 22, 29]) expect(learningRate(scheduleOf(settings), t)).toBeCloseTo(3e-4, 15);
  });

  it('says when the schedule itself changes', () => {
    const { notice } = resumeSettings({}, saved, { lr: 2e-3 });
    expect(notice).toBe('The learning-rate schedule changes: maxLr 0.001 → 0.002.');
  });

  it('an explicit horizon is taken as given', () => {
    const { settings } = resumeSettings({}, saved, { steps: 300, scheduleSteps: 300 });
    expect(scheduleOf(settings).totalSteps).toBe(300);
  });

  it('rejects a prototype-named setting', () => {
    expect(() => makeSettings({ toString: 1 } as never)).toThrow(/Unknown training setting "toString"/);
  });
});
