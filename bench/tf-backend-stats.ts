// Counters on TF.js's WebGPU backend, so its training step can be described with the same numbers
// as ours (Gpu.stats, pool.peakBytes, pipelines.compiled): dispatches and queue submits (counted by
// wrapping two of the backend's methods), compiled programs, and GPU bytes its buffer manager holds.
// Reads TF.js internals that are public in tfjs-backend-webgpu's .d.ts but not in tfjs-core's types.
import type { TfPeer } from './tfjs';

interface BufferManager {
  numBytesAllocated: number;
  freeBuffers: Map<string, GPUBuffer[]>;
}

interface WebGpuBackend {
  device: GPUDevice & { adapterInfo?: GPUAdapterInfo };
  queue: GPUQueue;
  bufferManager: BufferManager;
  pipelineCache: Record<string, unknown>;
  recordAndSubmit(...args: unknown[]): unknown;
  submitQueue(): void;
}

export interface TfCounts { dispatches: number; submits: number; pipelines: number }

export class TfBackendStats {
  private readonly backend: WebGpuBackend;
  private dispatches = 0;
  private submits = 0;

  constructor(peer: TfPeer) {
    this.backend = peer.tf.backend() as unknown as WebGpuBackend;
    const b = this.backend;
    const record = b.recordAndSubmit.bind(b);
    b.recordAndSubmit = (...args: unknown[]) => { this.dispatches++; return record(...args); };
    const submit = b.submitQueue.bind(b);
    b.submitQueue = () => { this.submits++; submit(); };
  }

  /** The adapter of TF.js's own GPUDevice, formatted like AdapterSummary.description. */
  get adapter(): string {
    const ai = this.backend.device.adapterInfo;
    return ai ? [ai.vendor, ai.architecture, ai.device, ai.description].filter((s) => s).join(' / ') : 'unknown (no GPUDevice.adapterInfo)';
  }

  counts(): TfCounts {
    return { dispatches: this.dispatches, submits: this.submits, pipelines: Object.keys(this.backend.pipelineCache).length };
  }

  /** GPU bytes held by TF.js's buffer manager (live and pooled; it only grows until trimmed). */
  get allocatedBytes(): number { return this.backend.bufferManager.numBytesAllocated; }

  /** Destroys pooled idle buffers, so the next measurement starts from what is live. */
  trimFree(): void {
    const bm = this.backend.bufferManager;
    for (const list of bm.freeBuffers.values()) {
      for (const buf of list) { bm.numBytesAllocated -= buf.size; buf.destroy(); }
      list.length = 0;
    }
  }
}
