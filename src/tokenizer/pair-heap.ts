// Binary heap of (priority, key) number pairs: highest priority first, ties to the lowest key.
// Used by BPE training (priority = pair count, key = pair id) and encoding (priority = -rank,
// key = position), where the tie rule is what makes both deterministic.

export class PairHeap {
  private readonly priorities: number[] = [];
  private readonly keys: number[] = [];

  get size(): number { return this.keys.length; }
  get topPriority(): number { return this.priorities[0]; }
  get topKey(): number { return this.keys[0]; }

  clear(): void {
    this.priorities.length = 0;
    this.keys.length = 0;
  }

  push(priority: number, key: number): void {
    const p = this.priorities, k = this.keys;
    let i = k.length;
    p.push(priority);
    k.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(priority, key, p[parent], k[parent])) break;
      p[i] = p[parent];
      k[i] = k[parent];
      i = parent;
    }
    p[i] = priority;
    k[i] = key;
  }

  /** Remove the top entry (read it first with topPriority / topKey). */
  pop(): void {
    const p = this.priorities, k = this.keys;
    const lastPriority = p.pop()!, lastKey = k.pop()!;
    const n = k.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(p[child + 1], k[child + 1], p[child], k[child])) child++;
      if (!this.before(p[child], k[child], lastPriority, lastKey)) break;
      p[i] = p[child];
      k[i] = k[child];
      i = child;
    }
    p[i] = lastPriority;
    k[i] = lastKey;
  }

  private before(pa: number, ka: number, pb: number, kb: number): boolean {
    return pa > pb || (pa === pb && ka < kb);
  }
}
