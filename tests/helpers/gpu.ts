// One real WebGPU device per test file, on the adapter chosen by TABGPT_ADAPTER
// (swiftshader | llvmpipe). No adapter means the test FAILS: GPU tests never skip.
import { afterAll } from 'vitest';
import type { Gpu } from '../../src/gpu/gpu';
import { createNodeGpu, type NodeAdapter } from '../../src/gpu/node';

let pending: Promise<Gpu> | null = null;
let announced = false;

export function testGpu(): Promise<Gpu> {
  if (!pending) {
    const which = (process.env.TABGPT_ADAPTER as NodeAdapter) || 'swiftshader';
    pending = createNodeGpu(which).then((gpu) => {
      if (!announced) {
        announced = true;
        console.log(`[webgpu] adapter=${which} ${gpu.info.description} fallback=${gpu.info.isFallback} features=${gpu.info.features.join(',')}`);
      }
      return gpu;
    });
    afterAll(async () => {
      const gpu = await pending!.catch(() => null);
      gpu?.destroy();
      delete (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn;
    });
  }
  return pending;
}
