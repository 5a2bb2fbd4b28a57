// The WebGPU runtime every kernel and model uses: one device, a pipeline cache, a buffer pool,
// step encoders (one submit per step), error scopes as typed errors, device-loss events, readback.
import { acquireDevice, type AcquireOptions, type AdapterSummary } from './device';
import { BufferPool } from './buffer-pool';
import { PipelineCache } from './pipeline-cache';
import { StepEncoder, UNIFORM_USAGE } from './step-encoder';
import { Profiler } from './profiler';
import { BindGroupCache } from './bind-group-cache';
import { GpuError, fromScopeError } from './errors';
import { checkBufferFits } from './limits';
import { MAP_READ_MODE, Usage } from './usage';

export type TypedArray = Float32Array | Uint32Array | Int32Array;

export interface LostInfo { reason: string; message: string }

export class Gpu extends EventTarget {
  readonly pipelines: PipelineCache;
  readonly pool: BufferPool;
  readonly uniforms: BufferPool;
  readonly bindGroups: BindGroupCache;
  readonly stats = { dispatches: 0, submits: 0, readbacks: 0 };
  profiler: Profiler | null = null;
  lost: LostInfo | null = null;
  private destroyed = false;

  private constructor(readonly device: GPUDevice, readonly info: AdapterSummary) {
    super();
    this.pipelines = new PipelineCache(device);
    this.pool = new BufferPool(device);
    this.uniforms = new BufferPool(device);
    this.bindGroups = new BindGroupCache(device);
    device.lost.then((l) => {
      if (this.destroyed) return;
      this.lost = { reason: l.reason, message: l.message };
      this.dispatchEvent(new CustomEvent<LostInfo>('lost', { detail: this.lost }));
    });
  }

  static async create(opts: AcquireOptions = {}): Promise<Gpu> {
    const { device, info } = await acquireDevice(opts);
    return new Gpu(device, info);
  }

  get limits(): GPUSupportedLimits { return this.device.limits; }
  hasFeature(f: string): boolean { return this.device.features.has(f as GPUFeatureName); }

  /** Calls back once if the device is lost (driver reset, tab backgrounded too long, OOM kill). */
  onLost(cb: (info: LostInfo) => void): void {
    if (this.lost) { cb(this.lost); return; }
    this.addEventListener('lost', (e) => cb((e as CustomEvent<LostInfo>).detail), { once: true });
  }

  pipeline(label: string, code: string, constants?: Record<string, number>): GPUComputePipeline {
    return this.pipelines.get(label, code, constants);
  }

  encoder(label = 'step'): StepEncoder {
    this.assertUsable();
    return new StepEncoder({
      device: this.device,
      bindGroup: (label, pipeline, entries) => this.bindGroups.get(label, pipeline, entries),
      acquireUniform: (b) => this.uniforms.acquire(b, 'uniforms', UNIFORM_USAGE),
      releaseUniform: (b) => this.uniforms.release(b),
      profiler: this.profiler,
      stats: this.stats,
    }, label);
  }

  /** A pooled storage buffer of at least `bytes`; give it back with release(). */
  buffer(bytes: number, label = 'buffer'): GPUBuffer {
    this.assertUsable();
    return this.pool.acquire(bytes, label);
  }

  release(...bufs: (GPUBuffer | null | undefined)[]): void {
    for (const b of bufs) if (b) this.pool.release(b);
  }

  /** A pooled storage buffer holding `data`. */
  upload(data: TypedArray, label = 'upload'): GPUBuffer {
    const buf = this.buffer(Math.max(data.byteLength, 4), label);
    this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    return buf;
  }

  write(buf: GPUBuffer, data: TypedArray, offsetBytes = 0): void {
    this.device.queue.writeBuffer(buf, offsetBytes, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Reads `bytes` from `buf` (a readback: use rarely, never per op). */
  async read(buf: GPUBuffer, bytes = buf.size, offset = 0): Promise<ArrayBuffer> {
    this.assertUsable();
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: Usage.MAP_READ | Usage.COPY_DST, label: 'readback' });
    const enc = this.device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(buf, offset, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    this.stats.readbacks++;
    try {
      await staging.mapAsync(MAP_READ_MODE);
    } catch (e) {
      staging.destroy();
      if (this.lost) throw new GpuError('device-lost', `The GPU device was lost (${this.lost.message}).`, 'Your last checkpoint is safe; reload to continue from it.');
      throw e;
    }
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return out;
  }

  async readF32(buf: GPUBuffer, n: number, offsetElems = 0): Promise<Float32Array> {
    return new Float32Array(await this.read(buf, n * 4, offsetElems * 4));
  }

  async readU32(buf: GPUBuffer, n: number, offsetElems = 0): Promise<Uint32Array> {
    return new Uint32Array(await this.read(buf, n * 4, offsetElems * 4));
  }

  /** Runs `fn` inside validation / out-of-memory / internal error scopes and throws a typed GpuError. */
  async scoped<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    const d = this.device;
    d.pushErrorScope('internal');
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    let result: T;
    try {
      result = await fn();
    } finally {
      const errs = [await d.popErrorScope(), await d.popErrorScope(), await d.popErrorScope()];
      for (const e of errs) {
        const typed = fromScopeError(e, what);
        if (typed) throw typed;
      }
    }
    return result;
  }

  checkFits(bytes: number, what: string): void { checkBufferFits(this.limits, bytes, what); }

  /** Waits until all submitted work is done. */
  async sync(): Promise<void> { await this.device.queue.onSubmittedWorkDone(); }

  enableProfiling(on = true): boolean {
    if (!on) { this.profiler?.destroy(); this.profiler = null; return false; }
    if (!this.hasFeature('timestamp-query')) return false;
    this.profiler ??= new Profiler(this.device);
    return true;
  }

  private assertUsable(): void {
    if (this.lost) throw new GpuError('device-lost', `The GPU device was lost (${this.lost.message}).`, 'Your last checkpoint is safe; reload to continue from it.');
    if (this.destroyed) throw new GpuError('device-lost', 'This GPU runtime was closed.');
  }

  /** Destroys idle pooled buffers (and the bind groups that may refer to them). */
  trim(): void {
    this.bindGroups.clear();
    this.pool.trim();
    this.uniforms.trim();
  }

  destroy(): void {
    this.destroyed = true;
    this.bindGroups.clear();
    this.profiler?.destroy();
    this.pool.destroyAll();
    this.uniforms.destroyAll();
    this.device.destroy();
  }
}
