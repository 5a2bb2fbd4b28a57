// Bind groups cached by (pipeline, resources). A training step binds the same buffers every step,
// so after the first step no bind group is created at all. Entries hold buffers alive: the cache
// is cleared whenever pooled buffers are destroyed (BufferPool.trim / destroyAll).
const MAX_ENTRIES = 8192;

export class BindGroupCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly cache = new Map<string, GPUBindGroup>();
  created = 0;

  constructor(private readonly device: GPUDevice) {}

  private id(o: object): number {
    let i = this.ids.get(o);
    if (i === undefined) { i = this.nextId++; this.ids.set(o, i); }
    return i;
  }

  get(label: string, pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[]): GPUBindGroup {
    let key = `${this.id(pipeline)}`;
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      key += `|${this.id(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    let group = this.cache.get(key);
    if (!group) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      group = this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
      this.cache.set(key, group);
      this.created++;
    }
    return group;
  }

  clear(): void { this.cache.clear(); }
}
