// Checks a planned allocation against the device's limits before it is made.
import { GpuError } from './errors';
import { formatBytes } from '../util/format';

/** Throws GpuError('limit') when one buffer of `bytes` cannot exist or be bound as storage. */
export function checkBufferFits(limits: GPUSupportedLimits, bytes: number, what: string): void {
  if (bytes > limits.maxBufferSize)
    throw new GpuError('limit', `${what} needs one buffer of ${formatBytes(bytes)}, but this GPU allows at most ${formatBytes(limits.maxBufferSize)} per buffer.`,
      'Use a smaller model (fewer layers, smaller d_model or vocabulary) or a shorter context.');
  if (bytes > limits.maxStorageBufferBindingSize)
    throw new GpuError('limit', `${what} needs to bind ${formatBytes(bytes)} as storage, but this GPU allows at most ${formatBytes(limits.maxStorageBufferBindingSize)}.`,
      'Use a smaller model (fewer layers, smaller d_model or vocabulary) or a shorter batch.');
}

/** Checks the total of a plan of named allocations; returns the total bytes. */
export function checkPlanFits(limits: GPUSupportedLimits, plan: { name: string; bytes: number }[], budgetBytes?: number): number {
  let total = 0;
  for (const p of plan) { checkBufferFits(limits, p.bytes, p.name); total += p.bytes; }
  if (budgetBytes !== undefined && total > budgetBytes)
    throw new GpuError('limit', `This run needs ${formatBytes(total)} of GPU memory, more than the ${formatBytes(budgetBytes)} budget.`,
      'Use a smaller model, batch or context length.');
  return total;
}

/** Splits a 1-D count of workgroups into (x, y) within maxComputeWorkgroupsPerDimension. */
export function split2d(groups: number, maxPerDim: number): [number, number] {
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
