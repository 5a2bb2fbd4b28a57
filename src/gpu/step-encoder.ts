// Records a whole step (many dispatches, copies, clears) and submits it as ONE command buffer.
// Recording is deferred: ops are collected, then at submit() the uniform arena is written once,
// bind groups are made, and everything is encoded into one GPUCommandEncoder.
// It does not read anything back: that is Gpu.read's job, and the exception.
import type { Params } from './params';
import type { Profiler } from './profiler';
import { split2d } from './limits';
import { Usage } from './usage';
import type { Binding } from './binding';

export type { Binding } from './binding';

export interface DispatchOp {
  /** Name shown in profiles and errors, e.g. 'matmul_forward'. */
  label: string;
  pipeline: GPUComputePipeline;
  /** Uniform parameters at @binding(0) when present; storage buffers follow from @binding(1). */
  params?: Params;
  /** Storage buffers in binding order. */
  buffers: Binding[];
  workgroups: [number, number?, number?];
}

type Op =
  | { kind: 'dispatch'; op: DispatchOp; uniformOffset: number }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number }
  | { kind: 'clear'; buf: GPUBuffer; offset: number; size?: number };

export interface EncoderHost {
  device: GPUDevice;
  bindGroup(label: string, pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[]): GPUBindGroup;
  acquireUniform(bytes: number): GPUBuffer;
  releaseUniform(buf: GPUBuffer): void;
  profiler: Profiler | null;
  stats: { dispatches: number; submits: number };
}

export class StepEncoder {
  private readonly ops: Op[] = [];
  private uniformBytes = 0;
  private readonly align: number;
  private submitted = false;

  constructor(private readonly host: EncoderHost, readonly label = 'step') {
    this.align = host.device.limits.minUniformBufferOffsetAlignment;
  }

  dispatch(op: DispatchOp): this {
    let uniformOffset = -1;
    if (op.params) {
      uniformOffset = this.uniformBytes;
      this.uniformBytes += Math.ceil(op.params.byteLength / this.align) * this.align;
    }
    this.ops.push({ kind: 'dispatch', op, uniformOffset });
    return this;
  }

  /** Dispatch with a 1-D workgroup count that may exceed the per-dimension limit; kernel must use
   *  `wid.x + wid.y * num_workgroups.x` as its linear workgroup index. */
  dispatch1d(op: Omit<DispatchOp, 'workgroups'>, groups: number): this {
    const [x, y] = split2d(groups, this.host.device.limits.maxComputeWorkgroupsPerDimension);
    return this.dispatch({ ...op, workgroups: [x, y] });
  }

  copy(src: GPUBuffer, dst: GPUBuffer, size: number, srcOffset = 0, dstOffset = 0): this {
    this.ops.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
    return this;
  }

  clear(buf: GPUBuffer, offset = 0, size?: number): this {
    this.ops.push({ kind: 'clear', buf, offset, size });
    return this;
  }

  get length(): number { return this.ops.length; }

  submit(): void {
    if (this.submitted) throw new Error(`StepEncoder '${this.label}' was already submitted`);
    this.submitted = true;
    const { device, profiler, stats } = this.host;
    let uniform: GPUBuffer | null = null;
    if (this.uniformBytes > 0) {
      const arena = new ArrayBuffer(this.uniformBytes);
      const view = new DataView(arena);
      for (const o of this.ops) if (o.kind === 'dispatch' && o.op.params) o.op.params.writeInto(view, o.uniformOffset);
      uniform = this.host.acquireUniform(this.uniformBytes);
      device.queue.writeBuffer(uniform, 0, arena);
    }
    const encoder = device.createCommandEncoder({ label: this.label });
    let pass: GPUComputePassEncoder | null = null;
    const endPass = () => { pass?.end(); pass = null; };
    for (const o of this.ops) {
      if (o.kind !== 'dispatch') {
        endPass();
        if (o.kind === 'copy') encoder.copyBufferToBuffer(o.src, o.srcOffset, o.dst, o.dstOffset, o.size);
        else encoder.clearBuffer(o.buf, o.offset, o.size);
        continue;
      }
      const { op } = o;
      const entries: GPUBindGroupEntry[] = [];
      let binding = 0;
      if (op.params) entries.push({ binding: binding++, resource: { buffer: uniform!, offset: o.uniformOffset, size: op.params.byteLength } });
      for (const b of op.buffers) entries.push({ binding: binding++, resource: 'buffer' in b ? { buffer: b.buffer, offset: b.offset, size: b.size } : { buffer: b } });
      const group = this.host.bindGroup(op.label, op.pipeline, entries);
      if (profiler) {
        endPass();
        pass = encoder.beginComputePass({ label: op.label, timestampWrites: profiler.next(op.label) });
      } else if (!pass) {
        pass = encoder.beginComputePass({ label: this.label });
      }
      const p: GPUComputePassEncoder = pass!;
      p.setPipeline(op.pipeline);
      p.setBindGroup(0, group);
      p.dispatchWorkgroups(op.workgroups[0], op.workgroups[1] ?? 1, op.workgroups[2] ?? 1);
      stats.dispatches++;
      if (profiler) endPass();
    }
    endPass();
    profiler?.resolve(encoder);
    device.queue.submit([encoder.finish()]);
    stats.submits++;
    if (uniform) this.host.releaseUniform(uniform);
  }
}

export const UNIFORM_USAGE = Usage.UNIFORM | Usage.COPY_DST;
