// AdamW over a set of parameter tensors, entirely on the GPU: the global gradient norm is reduced
// into a 1-element buffer and each update reads it for clipping (and skips on a non-finite norm),
// so a step needs no readback. Decay applies to tensors marked `decay`.
// Tensors that are ranges of the same flat buffers (a Gpt's parameter and gradient segments, at the
// same offsets: model/param-layout.ts) share one moment buffer pair laid out the same way, and each
// contiguous run of tensors with the same decay is ONE update dispatch; the norm takes one range
// per gradient buffer. So a step costs a handful of dispatches, not a few per tensor. The gaps
// between tensors are zero in every buffer, and stay zero through the update.
// Moments can be read and restored for checkpoints, by tensor name.
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { bufferOf, offsetOf, type Binding } from '../gpu/binding';
import { adamw } from '../kernels/adamw';
import { globalNorm, type SumRange } from '../kernels/reduce';

export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip gradients to this global L2 norm; ≤ 0 disables. */
  gradClip: number;
}

export const DEFAULT_ADAMW: AdamWHyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };

/** A tensor: its values and its gradient, whole buffers or ranges (at the same byte offset). */
export interface OptTensor { name: string; n: number; data: Binding; grad: Binding; decay: boolean }

/** Tensors sharing one (param buffer, grad buffer) pair, with moments laid out like them. */
interface Group {
  data: GPUBuffer;
  grad: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  /** In element offsets. */
  tensors: { name: string; offset: number; n: number; decay: boolean }[];
  /** Contiguous runs of tensors with the same decay: one update each. */
  runs: Run[];
  /** Contiguous runs of tensors whatever their decay: one range of the norm each. */
  spans: Run[];
  /** Elements from 0 to the end of the last tensor. */
  extent: number;
}

interface Run { offset: number; n: number; decay: boolean }

/** Tensors closer than this many floats are one run: the gap can only be alignment padding
 *  (param-layout.ts starts tensors on 256-byte boundaries), never a tensor left out. */
const MAX_GAP = 64;

/** Appends `t` to the last run when it follows within MAX_GAP and `joins` says so, else opens a run. */
function extend(runs: Run[], t: Run, joins: (last: Run) => boolean): void {
  const last = runs[runs.length - 1];
  if (last && t.offset - (last.offset + last.n) < MAX_GAP && joins(last)) last.n = t.offset + t.n - last.offset;
  else runs.push({ ...t });
}

function groupTensors(tensors: OptTensor[]): Omit<Group, 'm' | 'v'>[] {
  const groups = new Map<GPUBuffer, Omit<Group, 'm' | 'v'>>();
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new Error(`AdamW: the tensor ${t.name} is listed twice.`);
    names.add(t.name);
    const data = bufferOf(t.data), grad = bufferOf(t.grad);
    const offset = offsetOf(t.data);
    if (offsetOf(t.grad) !== offset) throw new Error(`AdamW: ${t.name}'s values and gradient sit at different offsets (${offset} and ${offsetOf(t.grad)} bytes).`);
    if (offset % 4 !== 0) throw new Error(`AdamW: ${t.name} starts at byte ${offset}, not on a float.`);
    let g = groups.get(data);
    if (!g) groups.set(data, (g = { data, grad, tensors: [], runs: [], spans: [], extent: 0 }));
    if (g.grad !== grad) throw new Error(`AdamW: tensors in one parameter buffer must keep their gradients in one buffer (${t.name} does not).`);
    g.tensors.push({ name: t.name, offset: offset / 4, n: t.n, decay: t.decay });
  }
  for (const g of groups.values()) {
    const sorted = [...g.tensors].sort((a, b) => a.offset - b.offset);
    for (const t of sorted) {
      if (t.offset < g.extent) throw new Error(`AdamW: ${t.name} overlaps another tensor.`);
      extend(g.runs, t, (last) => last.decay === t.decay);
      extend(g.spans, t, () => true);
      g.extent = t.offset + t.n;
    }
  }
  return [...groups.values()];
}

export class AdamW {
  private readonly groups: Group[] = [];
  /** (1) global gradient norm of the last step, before clipping. */
  readonly gradNorm: GPUBuffer;
  /** Number of updates applied so far (the next update uses step + 1 for bias correction). */
  step = 0;

  constructor(private readonly gpu: Gpu, tensors: OptTensor[], public hyper: AdamWHyper) {
    const enc = gpu.encoder('adamw-init');
    for (const g of groupTensors(tensors)) {
      const bytes = 4 * g.extent;
      const m = gpu.buffer(bytes, 'adam.m'), v = gpu.buffer(bytes, 'adam.v');
      enc.clear(m).clear(v);
      this.groups.push({ ...g, m, v });
    }
    this.gradNorm = gpu.buffer(4, 'grad-norm');
    enc.submit();
  }

  /** Update dispatches per step (tests, benchmarks): one per run of same-decay tensors. */
  get updateDispatches(): number { return this.groups.reduce((s, g) => s + g.runs.length, 0); }

  /** Records the norm reduction and the updates at learning rate `lr`. */
  update(enc: StepEncoder, lr: number): void {
    const h = this.hyper;
    const ranges: SumRange[] = this.groups.flatMap((g) => g.spans.map((r) => ({ x: g.grad, n: r.n, offset: r.offset })));
    globalNorm(this.gpu, enc, { ranges, out: this.gradNorm });
    this.step++;
    for (const g of this.groups) {
      for (const r of g.runs) {
        adamw(this.gpu, enc, {
          param: g.data, grad: g.grad, m: g.m, v: g.v, n: r.n, offset: r.offset, lr,
          beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: r.decay ? h.weightDecay : 0,
          step: this.step, gradNorm: this.gradNorm, maxNorm: h.gradClip,
        });
      }
    }
  }

  /** Moments by tensor name: one readback per moment buffer. */
  async readMoments(): Promise<Record<string, { m: Float32Array; v: Float32Array }>> {
    const out: Record<string, { m: Float32Array; v: Float32Array }> = {};
    for (const g of this.groups) {
      const [m, v] = await Promise.all([this.gpu.read(g.m, 4 * g.extent), this.gpu.read(g.v, 4 * g.extent)]);
      for (const t of g.tensors) out[t.name] = { m: new Float32Array(m, 4 * t.offset, t.n).slice(), v: new Float32Array(v, 4 * t.offset, t.n).slice() };
    }
    return out;
  }

  loadMoments(moments: Record<string, { m: Float32Array; v: Float32Array }>, step: number): void {
    for (const g of this.groups) {
      for (const t of g.tensors) {
        const mv = moments[t.name];
        if (!mv) throw new Error(`The checkpoint's optimizer state has no moments for ${t.name}.`);
        if (mv.m.length !== t.n || mv.v.length !== t.n) throw new Error(`Optimizer moments for ${t.name} have the wrong size.`);
      }
    }
    for (const g of this.groups) {
      for (const t of g.tensors) {
        this.gpu.write(g.m, moments[t.name].m, 4 * t.offset);
        this.gpu.write(g.v, moments[t.name].v, 4 * t.offset);
      }
    }
    this.step = step;
  }

  destroy(): void {
    for (const g of this.groups) this.gpu.release(g.m, g.v);
    this.gpu.release(this.gradNorm);
  }
}
