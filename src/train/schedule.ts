// Learning-rate schedule: linear warmup, then cosine decay to minLr at `totalSteps`.
export interface Schedule { maxLr: number; minLr: number; warmupSteps: number; totalSteps: number }

/** Learning rate for optimizer step `step` (0-based). */
export function learningRate(s: Schedule, step: number): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.maxLr * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span);
  return s.minLr + 0.5 * (s.maxLr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
