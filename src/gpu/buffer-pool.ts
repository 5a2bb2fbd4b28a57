// Buffers pooled by (size class, usage). Sizes round up to a power-of-two-ish class so reuse is likely.
import { checkBufferFits } from './limits';
import { STORAGE_USAGE } from './usage';

export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (b <= 4096) return b;
  // Quarter-power-of-two steps: at most 19% waste.
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 4;
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  allocatedBytes = 0;
  peakBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A storage buffer of at least `bytes` (its .size may be larger). */
  acquire(bytes: number, label = 'buffer', usage: GPUBufferUsageFlags = STORAGE_USAGE): GPUBuffer {
    const size = sizeClass(bytes);
    const key = `${size}:${usage}`;
    const list = this.free.get(key);
    const reused = list?.pop();
    if (reused) { reused.label = label; this.live.add(reused); return reused; }
    checkBufferFits(this.device.limits, size, label);
    const buf = this.device.createBuffer({ size, usage, label });
    this.allocatedBytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.allocatedBytes);
    this.live.add(buf);
    return buf;
  }

  release(buf: GPUBuffer): void {
    if (!this.live.delete(buf)) return;
    const key = `${buf.size}:${buf.usage}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buf);
  }

  /** Destroys idle buffers (after a run, or on memory pressure). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) { this.allocatedBytes -= b.size; b.destroy(); }
    this.free.clear();
  }

  destroyAll(): void {
    this.trim();
    for (const b of this.live) { this.allocatedBytes -= b.size; b.destroy(); }
    this.live.clear();
  }
}
