// Device acquisition for the browser (main thread or worker) and Node (pass the `gpu` object).
// Asks for the adapter's real limits, since defaults are far below what adapters allow.
import { GpuError } from './errors';

export interface AcquireOptions {
  /** navigator.gpu in a browser; the `webgpu` package's GPU object in Node. */
  gpu?: GPU;
  featureLevel?: 'core' | 'compatibility';
  powerPreference?: GPUPowerPreference;
  /** Request timestamp queries when available (profiling). Default true. */
  timestamps?: boolean;
}

export interface Acquired {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: AdapterSummary;
}

export interface AdapterSummary {
  description: string;
  vendor: string;
  architecture: string;
  isFallback: boolean;
  /** A software adapter (SwiftShader, llvmpipe, WARP…): invocations are SIMD lanes of CPU threads,
   *  so barrier-free kernel variants win there. */
  isCpu: boolean;
  featureLevel: string;
  features: string[];
  limits: Record<string, number>;
}

const CPU_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render/i;

const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];

export function limitsRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // GPUSupportedLimits exposes getters on the prototype: walk it.
  let proto: object | null = limits;
  while (proto && proto !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(proto)) {
      const v = (limits as unknown as Record<string, unknown>)[k];
      if (typeof v === 'number') out[k] = v;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}

export async function acquireDevice(opts: AcquireOptions = {}): Promise<Acquired> {
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu)
    throw new GpuError('no-webgpu', 'This browser does not offer WebGPU.', 'Use a recent Chrome, Edge or Safari (or Firefox with WebGPU enabled), and open the page over https or localhost.');
  const adapterOpts: GPURequestAdapterOptions & { featureLevel?: string } = { powerPreference: opts.powerPreference ?? 'high-performance' };
  if (opts.featureLevel) adapterOpts.featureLevel = opts.featureLevel;
  const adapter = await gpu.requestAdapter(adapterOpts);
  if (!adapter)
    throw new GpuError('no-adapter', 'WebGPU is present but no GPU adapter was found.', 'Update your GPU driver or enable hardware acceleration in the browser settings.');
  const requiredLimits = limitsRecord(adapter.limits);
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f) && (f !== 'timestamp-query' || opts.timestamps !== false));
  const device = await adapter.requestDevice({ label: 'tabgpt', requiredLimits, requiredFeatures });
  const ai = adapter.info;
  const description = [ai?.vendor, ai?.architecture, ai?.device, ai?.description].filter((s) => s).join(' / ') || 'unknown adapter';
  const isFallback = Boolean((ai as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const info: AdapterSummary = {
    description,
    vendor: ai?.vendor ?? '',
    architecture: ai?.architecture ?? '',
    isFallback,
    isCpu: isFallback || CPU_ADAPTER.test(description),
    featureLevel: opts.featureLevel ?? 'core',
    features: [...device.features].map(String).sort(),
    limits: limitsRecord(device.limits),
  };
  return { adapter, device, info };
}
