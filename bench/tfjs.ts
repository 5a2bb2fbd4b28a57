// TensorFlow.js (tfjs-core + tfjs-backend-webgpu 4.22) as the benchmark peer, on the SAME Dawn
// adapter as our runtime, in the same Node process. Node 20 has no `navigator`, and the backend
// decides at import time whether WebGPU exists, so navigator.gpu is installed first and the
// backend is imported after. It does not check TF.js results; tests do correctness.
import type { Gpu } from '../src/gpu/gpu';
import { measure, type Timing, type TimingOpts } from './common';
import { nodeDawn } from '../src/gpu/node';

export type Tf = typeof import('@tensorflow/tfjs-core');

/** The parts of WebGPUBackend used to flush and wait (public in its .d.ts, not in tfjs-core's types). */
interface TfWebGpuBackend {
  device: GPUDevice;
  queue: GPUQueue;
  endComputePassEncoder(): void;
  ensureCommandEncoderReady(): void;
  submitQueue(): void;
}

export interface TfPeer {
  tf: Tf;
  /** Adapter description as TF.js saw it. */
  adapter: string;
  /** Submits TF.js's pending commands and waits until the queue has run them. */
  finish(): Promise<void>;
}

let peer: Promise<TfPeer> | null = null;

/** Starts TF.js's WebGPU backend on the Dawn instance `createNodeGpu` made for `gpu`. */
export function initTfjs(gpu: Gpu): Promise<TfPeer> {
  peer ??= start(gpu);
  return peer;
}

async function start(gpu: Gpu): Promise<TfPeer> {
  const dawn = nodeDawn();
  if (!dawn) throw new Error('TF.js peer: no Dawn instance; create the Gpu with createNodeGpu first.');
  // TF.js asks for a core adapter; on Dawn's OpenGL ES backend only compatibility adapters exist,
  // so ask for the same feature level our device uses.
  const featureLevel = gpu.info.featureLevel;
  const shim = {
    requestAdapter: (o: GPURequestAdapterOptions = {}) => dawn.requestAdapter({ ...o, featureLevel } as GPURequestAdapterOptions),
    getPreferredCanvasFormat: () => dawn.getPreferredCanvasFormat(),
    wgslLanguageFeatures: dawn.wgslLanguageFeatures,
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: shim }, configurable: true, writable: true });
  const tf: Tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its WebGPU backend on this adapter.');
  await tf.ready();
  const backend = tf.backend() as unknown as TfWebGpuBackend;
  const info = (backend as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return {
    tf,
    adapter: [info?.vendor, info?.architecture].filter((s) => s).join(' / ') || gpu.info.description,
    async finish() {
      backend.endComputePassEncoder();
      backend.ensureCommandEncoderReady();
      backend.submitQueue();
      await backend.queue.onSubmittedWorkDone();
    },
  };
}

/** A run of `op` (which returns tensors to dispose) that submits TF.js's commands and waits for the
 *  queue, like gpuRun does for ours. Inputs are expected on the GPU already (warm-up uploads them). */
export function tfjsRun(p: TfPeer, op: () => { dispose(): void } | { dispose(): void }[]): () => Promise<void> {
  return async () => {
    const out = op();
    await p.finish();
    for (const t of Array.isArray(out) ? out : [out]) t.dispose();
  };
}

export async function measureTfjs(p: TfPeer, op: () => { dispose(): void } | { dispose(): void }[], opts: TimingOpts = {}): Promise<Timing> {
  return measure(tfjsRun(p, op), opts);
}
