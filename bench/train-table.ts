// Result types and the printed table of the training benchmark (bench/train.ts): one line per
// (preset, implementation) and the speed ratio, in markdown-compatible columns.
import type { BenchRow } from './common';
import type { ModelConfig } from '../src/model/config';

/** A kernel label's share of one profiled step of ours. */
export interface KernelShare { label: string; ms: number; calls: number; pct: number }

/** One implementation's figures for one preset. Per-step counts are those of the last timed step. */
export interface SideResult {
  msPerStep: number;
  minMs: number;
  maxMs: number;
  /** (max − min) / median over the timed steps, in percent. */
  spreadPct: number;
  tokensPerSec: number;
  /** Median process CPU time per step (all threads; software adapters run on the CPU). */
  cpuMsPerStep: number;
  samples: number[];
  /** Untimed steps after the first step and before the timed ones. */
  warmup: number;
  /** From creating the model to the end of its first step: uploads, pipeline compilation, buffers. */
  firstStepMs: number;
  /** Pipelines (ours) or shader programs (TF.js) compiled during the first step. */
  pipelines: number;
  dispatches: number;
  submits: number;
  readbacks: number;
  /** GPU bytes allocated at the peak, above what was allocated before the model was built. */
  peakBytes: number;
  /** Loss of every step, first step included. */
  losses: number[];
  /** Ours with --profile: kernel times of one extra step (null: no timestamp queries here). */
  profile?: KernelShare[] | null;
}

export interface TrainRow extends BenchRow {
  preset: string;
  B: number;
  T: number;
  config: ModelConfig;
  /** Largest |loss(ours) − loss(TF.js)| over the steps both ran: both train the same model on the same data. */
  lossMaxDiff: number;
  ours: SideResult;
  tfjs: SideResult;
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

export function formatTrainTable(rows: TrainRow[]): string {
  const head = ['preset', 'B×T', 'impl', 'tokens/s', 'ms/step', '±%', 'CPU s/step', 'timed', 'first step s', 'pipelines', 'disp/step', 'subm/step', 'peak MiB', 'loss 1st→last', 'speed ratio'];
  const body: string[][] = [];
  for (const r of rows) {
    for (const [impl, s] of [['ours', r.ours], ['TF.js', r.tfjs]] as const) {
      body.push([
        r.preset, `${r.B}×${r.T}`, impl, s.tokensPerSec.toFixed(1), s.msPerStep.toFixed(0), s.spreadPct.toFixed(0),
        (s.cpuMsPerStep / 1000).toFixed(1), String(s.samples.length), (s.firstStepMs / 1000).toFixed(1), String(s.pipelines), String(s.dispatches), String(s.submits),
        mb(s.peakBytes), `${s.losses[0].toFixed(3)}→${s.losses[s.losses.length - 1].toFixed(3)}`,
        impl === 'ours' ? `${(r.ours.tokensPerSec / r.tfjs.tokensPerSec).toFixed(2)}×` : '',
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const left = (i: number) => i < 3;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => `${'-'.repeat(w + 1)}${left(i) ? '-' : ':'}`).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** One line per preset: the speed ratio by wall time and by CPU time, and whether the losses agree. */
export function summarize(rows: TrainRow[], goal = { preset: 'small', ratio: 3 }): string[] {
  return rows.map((r) => {
    const wall = r.ours.tokensPerSec / r.tfjs.tokensPerSec;
    const cpu = r.tfjs.cpuMsPerStep / r.ours.cpuMsPerStep;
    const verdict = r.preset === goal.preset ? `; goal ≥ ${goal.ratio}×: ${wall >= goal.ratio ? 'met' : 'NOT met'}` : '';
    return `${r.preset}: ours trains ${wall.toFixed(2)}× TF.js's tokens/s (${cpu.toFixed(2)}× by process CPU time per step)${verdict}; ` +
      `losses of the shared steps agree within ${r.lossMaxDiff.toExponential(1)}`;
  });
}
