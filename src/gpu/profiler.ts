// Per-kernel GPU time with timestamp queries, where the adapter has 'timestamp-query'.
// Each profiled dispatch gets its own compute pass with begin/end timestamps.
import { MAP_READ_MODE, Usage } from './usage';

export interface KernelTime { label: string; ms: number }

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuf: GPUBuffer;
  private readonly readBuf: GPUBuffer;
  private labels: string[] = [];
  private pending: string[] | null = null;

  constructor(private readonly device: GPUDevice, readonly capacity = 512) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: capacity * 2, label: 'profiler' });
    this.resolveBuf = device.createBuffer({ size: capacity * 16, usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC, label: 'profiler-resolve' });
    this.readBuf = device.createBuffer({ size: capacity * 16, usage: Usage.MAP_READ | Usage.COPY_DST, label: 'profiler-read' });
  }

  next(label: string): GPUComputePassTimestampWrites | undefined {
    if (this.labels.length >= this.capacity) return undefined;
    const i = this.labels.length;
    this.labels.push(label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  resolve(encoder: GPUCommandEncoder): void {
    const n = this.labels.length;
    if (n === 0 || this.pending) return;
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuf, 0);
    encoder.copyBufferToBuffer(this.resolveBuf, 0, this.readBuf, 0, 16 * n);
    this.pending = this.labels;
    this.labels = [];
  }

  /** Reads the times of the last resolved step. */
  async read(): Promise<KernelTime[]> {
    const labels = this.pending;
    if (!labels) return [];
    this.pending = null;
    await this.readBuf.mapAsync(MAP_READ_MODE, 0, 16 * labels.length);
    const t = new BigInt64Array(this.readBuf.getMappedRange(0, 16 * labels.length).slice(0));
    this.readBuf.unmap();
    return labels.map((label, i) => ({ label, ms: Number(t[2 * i + 1] - t[2 * i]) / 1e6 }));
  }

  destroy(): void { this.querySet.destroy(); this.resolveBuf.destroy(); this.readBuf.destroy(); }
}

/** Sums kernel times by label: label -> { ms, calls }. */
export function summarize(times: KernelTime[]): Map<string, { ms: number; calls: number }> {
  const m = new Map<string, { ms: number; calls: number }>();
  for (const t of times) {
    const e = m.get(t.label) ?? { ms: 0, calls: 0 };
    e.ms += t.ms; e.calls++;
    m.set(t.label, e);
  }
  return m;
}
