// The WebGPU runtime itself: one submit per step, caches, limits, typed errors, device loss, profiling.
import { describe, it, expect } from 'vitest';
import { testGpu } from '../helpers/gpu';
import { createNodeGpu, type NodeAdapter } from '../../src/gpu/node';
import { residualForward } from '../../src/kernels/residual';
import { GpuError } from '../../src/gpu/errors';
import { checkPlanFits, split2d } from '../../src/gpu/limits';
import { formatBytes } from '../../src/util/format';
import { sizeClass } from '../../src/gpu/buffer-pool';
import { params } from '../../src/gpu/params';

describe('gpu runtime', () => {
  it('records many dispatches into one submit, and caches pipelines and bind groups', async () => {
    const gpu = await testGpu();
    const n = 1000;
    const a = gpu.upload(new Float32Array(n).fill(1)), b = gpu.upload(new Float32Array(n).fill(2));
    const x = gpu.buffer(4 * n), y = gpu.buffer(4 * n);
    const run = () => {
      const enc = gpu.encoder();
      residualForward(gpu, enc, a, b, x, n);      // x = 3
      residualForward(gpu, enc, x, b, y, n, 0.5); // y = 4
      residualForward(gpu, enc, y, x, a, n);      // a = 7
      enc.submit();
    };
    const before = { ...gpu.stats }, pipelines = gpu.pipelines.compiled;
    run();
    const groups = gpu.bindGroups.created;
    run();
    expect(gpu.stats.submits - before.submits).toBe(2);
    expect(gpu.stats.dispatches - before.dispatches).toBe(6);
    expect(gpu.pipelines.compiled - pipelines).toBeLessThanOrEqual(1);
    expect(gpu.bindGroups.created).toBe(groups); // second step reused every bind group
    // round 1: x = 1 + 2, y = x + 1, a = y + x = 7; round 2: x = 9, y = 10, a = 19
    expect(Array.from(await gpu.readF32(a, 3))).toEqual([19, 19, 19]);
    gpu.release(a, b, x, y);
  });

  it('pools buffers by size class and reuses released ones', async () => {
    const gpu = await testGpu();
    expect(sizeClass(1)).toBe(16);
    expect(sizeClass(5000)).toBeGreaterThanOrEqual(5000);
    expect(sizeClass(5000)).toBeLessThanOrEqual(5000 * 1.25);
    const b1 = gpu.buffer(5000);
    gpu.release(b1);
    const b2 = gpu.buffer(4900);
    expect(b2).toBe(b1);
    gpu.release(b2);
  });

  it('checks planned allocations against the limits with a readable message', async () => {
    const gpu = await testGpu();
    const max = gpu.limits.maxBufferSize;
    expect(() => gpu.checkFits(max + 4, 'The logits')).toThrow(GpuError);
    expect(() => gpu.checkFits(max + 4, 'The logits')).toThrow(/The logits needs one buffer of .* but this GPU allows at most/);
    expect(() => checkPlanFits(gpu.limits, [{ name: 'weights', bytes: 1024 }, { name: 'acts', bytes: 2048 }], 2048)).toThrow(/needs 3.00 KiB .* more than the 2.00 KiB budget/);
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(split2d(70000, 65535)).toEqual([35000, 2]);
  });

  it('turns a validation error into a typed GpuError', async () => {
    const gpu = await testGpu();
    const err = await gpu.scoped('a bad copy', () => {
      const small = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const enc = gpu.device.createCommandEncoder();
      enc.copyBufferToBuffer(small, 0, small, 0, 64); // out of range and overlapping: invalid
      gpu.device.queue.submit([enc.finish()]);
      small.destroy();
    }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(GpuError);
    expect((err as GpuError).kind).toBe('validation');
    expect((err as GpuError).message).toMatch(/WebGPU rejected a bad copy/);
  });

  it('profiles kernels with timestamp queries where the adapter has them, and runs unprofiled where it has none', async () => {
    // llvmpipe (compatibility mode) has no 'timestamp-query': profiling must then say no, add no
    // queries, and leave the work itself unchanged. SwiftShader has it: each kernel gets a time.
    const gpu = await testGpu();
    const on = gpu.enableProfiling(true);
    expect(on).toBe(gpu.hasFeature('timestamp-query'));
    expect(gpu.profiler !== null).toBe(on);
    const n = 4096, a = gpu.upload(new Float32Array(n).fill(1)), b = gpu.upload(new Float32Array(n).fill(2)), c = gpu.buffer(4 * n);
    const enc = gpu.encoder();
    residualForward(gpu, enc, a, b, c, n); // c = 3
    residualForward(gpu, enc, c, b, a, n); // a = 5
    enc.submit();
    if (on) {
      const times = await gpu.profiler!.read();
      expect(times.map((t) => t.label)).toEqual(['residual_forward', 'residual_forward']);
      for (const t of times) expect(t.ms).toBeGreaterThanOrEqual(0);
    }
    expect(Array.from(await gpu.readF32(a, n)).every((v) => v === 5)).toBe(true);
    gpu.enableProfiling(false);
    expect(gpu.profiler).toBeNull();
    gpu.release(a, b, c);
  });

  it('reports device loss as an event, and refuses work afterwards', async () => {
    const adapter = (process.env.TABGPT_ADAPTER as NodeAdapter) || 'swiftshader';
    await testGpu(); // keeps the shared device alive; a second device is lost on purpose
    const gpu = await createNodeGpu(adapter);
    const lost = new Promise<string>((resolve) => gpu.onLost((info) => resolve(info.reason)));
    gpu.device.destroy(); // what a driver reset looks like to the page
    expect(await lost).toBe('destroyed');
    expect(() => gpu.encoder()).toThrow(/device was lost/);
    const p = params().u32(1);
    expect(p.byteLength).toBe(16);
  });
});
