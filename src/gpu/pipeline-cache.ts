// Compute pipelines, created once per (label, code, constants) and cached.
export class PipelineCache {
  private readonly cache = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  get(label: string, code: string, constants: Record<string, number> = {}): GPUComputePipeline {
    const constKey = Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
    const key = `${label}|${constKey}|${code}`;
    let p = this.cache.get(key);
    if (p) return p;
    let module = this.modules.get(code);
    if (!module) {
      module = this.device.createShaderModule({ label, code });
      this.modules.set(code, module);
    }
    p = this.device.createComputePipeline({
      label: constKey ? `${label}[${constKey}]` : label,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
    this.cache.set(key, p);
    this.compiled++;
    return p;
  }

  get size(): number { return this.cache.size; }
}
