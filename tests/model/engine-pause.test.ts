// Pause takes effect after the current step in every stage, through the engine the web worker
// drives (src/train/engine.ts → the one loop), with "evaluate every 0" (no evaluation to wait for)
// and losses read back only every 5 steps. A save while paused is the model at that step.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { makeConfig } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { encodeCheckpoint } from '../../src/checkpoint/codec';
import { ByteTokenizer } from '../../src/tokenizer';
import { TrainingEngine } from '../../src/train/engine';
import { READ_EVERY } from '../../src/train/engine-stages';
import type { EngineProgress, StageOptions } from '../../src/train/engine-types';
import { DEFAULT_DATA, DEFAULT_TRAIN } from '../../src/share/settings';

const config = makeConfig({ vocabSize: 256, nLayer: 1, dModel: 32, nHead: 2, nKvHead: 2, contextLength: 64 });

function baseCheckpoint(): Uint8Array {
  const w = initParams(config, 3);
  const params = Object.fromEntries(paramSpecs(config).map((p) => [p.name, { data: w[p.name], shape: p.shape }]));
  return encodeCheckpoint({ config, tokenizer: new ByteTokenizer().toJSON(), stage: 'pretrain', step: 0, params });
}

const options = (stage: StageOptions['stage']): StageOptions => ({
  stage, model: config, data: { ...DEFAULT_DATA },
  train: { ...DEFAULT_TRAIN, steps: 40, batch: 2, warmup: 2, evalEvery: 0 },
  post: { source: 'builtin', jsonl: '', evalCount: 8 },
  rl: { method: 'grpo', reward: 'grader', steps: 40, lr: 1e-4, klCoef: 0, promptsPerStep: 2, groupSize: 2, maxNewTokens: 3, seed: 1 },
});

/** One run of `stage`; pauseAtNextReport() presses Pause at the next loss report and resolves
 *  with the step at which the run then holds (its 'paused' report). */
function watched(engine: TrainingEngine, stage: StageOptions['stage']) {
  const reports: EngineProgress[] = [];
  let listener: (p: EngineProgress) => void = () => undefined;
  const pauseAtNextReport = () => new Promise<number>((resolve) => {
    let requested = false;
    listener = (p) => {
      if (!requested && Number.isFinite(p.trainLoss)) { requested = true; engine.pause(); }
      if (requested && p.message === 'paused') resolve(p.step);
    };
  });
  const firstPause = pauseAtNextReport();
  const done = engine.start(options(stage), (p) => { reports.push(p); listener(p); });
  const trained = () => reports.filter((p) => Number.isFinite(p.trainLoss)).map((p) => p.step);
  return { reports, done, firstPause, pauseAtNextReport, trained };
}

describe('pause in every stage (evaluate every 0)', () => {
  it('SFT, reward and RL hold after the step that was running when Pause came', async () => {
    const gpu = await testGpu();
    const engine = new TrainingEngine(gpu);
    await engine.loadCheckpoint(baseCheckpoint());

    // SFT and reward read losses back every READ_EVERY steps: the first report comes during step
    // READ_EVERY, so Pause then holds right after it, though no evaluation is ever due.
    for (const stage of ['sft', 'reward'] as const) {
      const run = watched(engine, stage);
      expect(await run.firstPause, stage).toBe(READ_EVERY);
      expect(run.trained(), stage).toEqual([1, 2, 3, 4, 5]);
      const saved = await engine.saveCheckpoint();
      expect([saved.stage, saved.step], stage).toEqual([stage, READ_EVERY]);
      engine.stop();
      await run.done;
      expect(Math.max(...run.reports.map((p) => p.step)), stage).toBe(READ_EVERY);
    }

    // RL (GRPO) reports every step: Pause holds after step 1; Resume goes on; Pause holds again.
    const rl = watched(engine, 'rlhf');
    expect(await rl.firstPause).toBe(1);
    expect(rl.trained()).toEqual([1]);
    const second = rl.pauseAtNextReport();
    engine.resume();
    expect(await second).toBe(2);
    expect(rl.trained()).toEqual([1, 2]);
    engine.stop();
    await rl.done;
    expect(rl.trained()).toEqual([1, 2]);
  });
});
