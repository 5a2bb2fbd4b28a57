// The GPT on the GPU: parameters and gradients in flat storage (a few large buffers, each tensor a
// 256-byte-aligned range: param-layout.ts), and the forward and backward passes recorded into a
// step encoder. Reads top to bottom: norm → attention → MLP →
// block → model. It computes the final hidden state; heads (heads.ts) turn that into losses and
// send gradients back through `dHidden`. It does not own an optimizer or data (see src/train/).
import type { Gpu } from '../gpu/gpu';
import type { StepEncoder } from '../gpu/step-encoder';
import { type ModelConfig, headDim, qkvWidth, fcWidth } from './config';
import { paramSpecs, numel, type ParamSpec } from './params';
import { planParamLayout, segmentCap, type ParamLayout } from './param-layout';
import type { BufferRange } from '../gpu/binding';
import type { Activations, LayerActs } from './activations';
import { linearForward, linearBackward } from '../kernels/matmul';
import { attentionForward, attentionBackward } from '../kernels/attention';
import { layernormForward, layernormBackward } from '../kernels/layernorm';
import { rmsnormForward, rmsnormBackward } from '../kernels/rmsnorm';
import { geluForward, geluBackward } from '../kernels/gelu';
import { swigluForward, swigluBackward } from '../kernels/swiglu';
import { embeddingForward, embeddingBackward } from '../kernels/embedding';
import { rope } from '../kernels/rope';
import { residualForward } from '../kernels/residual';

/** A tensor's ranges in the flat parameter and gradient storage (same offset in both). */
export interface Param { spec: ParamSpec; n: number; data: BufferRange; grad: BufferRange }

export interface GptOptions {
  /** false for frozen models (an RL reference, a reward model): no gradient buffers at all. */
  trainable?: boolean;
  /** Tests only: a smaller cap on one flat buffer than the device's storage binding size. */
  maxSegmentBytes?: number;
}

export class Gpt {
  readonly params = new Map<string, Param>();
  readonly trainable: boolean;
  /** Where each tensor sits in the flat buffers. */
  readonly layout: ParamLayout;
  /** One buffer per layout segment: the parameters, and their gradients (empty when frozen). */
  readonly paramSegments: GPUBuffer[];
  readonly gradSegments: GPUBuffer[];
  private readonly frozenGrad: GPUBuffer | null;

  constructor(readonly gpu: Gpu, readonly config: ModelConfig, weights: Record<string, Float32Array>, options: GptOptions = {}) {
    this.trainable = options.trainable ?? true;
    const specs = paramSpecs(config);
    for (const spec of specs) {
      const w = weights[spec.name];
      const n = numel(spec.shape);
      if (!w) throw new Error(`Missing weights for parameter ${spec.name} (${spec.shape.join('×')}).`);
      if (w.length !== n) throw new Error(`Parameter ${spec.name} has ${w.length} values, expected ${n} (${spec.shape.join('×')}).`);
    }
    const limit = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
    this.layout = planParamLayout(specs, segmentCap(Math.min(limit, options.maxSegmentBytes ?? Infinity)));
    this.paramSegments = this.layout.segmentBytes.map((b, i) => gpu.buffer(b, `params.${i}`));
    this.gradSegments = this.trainable ? this.layout.segmentBytes.map((b, i) => gpu.buffer(b, `grads.${i}`)) : [];
    // Pooled buffers may hold old data: zero them (the gaps between tensors must stay 0) before
    // the weights are written, in queue order.
    const enc = gpu.encoder('params-init');
    for (const b of [...this.paramSegments, ...this.gradSegments]) enc.clear(b);
    enc.submit();
    // A frozen model's `grad` is a 16-byte placeholder that nothing reads or writes.
    this.frozenGrad = this.trainable ? null : gpu.buffer(16, 'grad.frozen');
    const placeholder: BufferRange | null = this.frozenGrad && { buffer: this.frozenGrad, offset: 0, size: 16 };
    const bySpec = new Map(specs.map((s) => [s.name, s]));
    for (const slot of this.layout.slots) {
      const size = Math.ceil(slot.n / 4) * 16; // vec4 readers; stays inside the 256-byte-aligned slot
      const data = { buffer: this.paramSegments[slot.segment], offset: slot.offset, size };
      const grad = placeholder ?? { buffer: this.gradSegments[slot.segment], offset: slot.offset, size };
      gpu.write(data.buffer, weights[slot.name], slot.offset);
      this.params.set(slot.name, { spec: bySpec.get(slot.name)!, n: slot.n, data, grad });
    }
  }

  p(name: string): BufferRange { return this.get(name).data; }
  g(name: string): BufferRange {
    if (!this.trainable) throw new Error('This model is frozen (trainable: false): it has no gradients.');
    return this.get(name).grad;
  }
  private get(name: string): Param {
    const p = this.params.get(name);
    if (!p) throw new Error(`No parameter ${name}`);
    return p;
  }
  opt(name: string): Param | undefined { return this.params.get(name); }

  /** The weight used by the LM head: wte when tied. */
  get lmHeadName(): string { return this.config.tiedEmbeddings ? 'wte' : 'lm_head.weight'; }

  /** One clear per gradient segment. */
  zeroGrads(enc: StepEncoder): void {
    for (const b of this.gradSegments) enc.clear(b);
  }

  // ---- norm ------------------------------------------------------------------------------
  normForward(enc: StepEncoder, prefix: string, x: GPUBuffer, y: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer, rows: number): void {
    const c = this.config;
    if (c.norm === 'layernorm')
      layernormForward(this.gpu, enc, { x, weight: this.p(`${prefix}.weight`), bias: this.opt(`${prefix}.bias`)?.data ?? null, y, mean, rstd, rows, C: c.dModel, eps: c.normEps });
    else rmsnormForward(this.gpu, enc, { x, weight: this.p(`${prefix}.weight`), y, rstd, rows, C: c.dModel, eps: c.normEps });
  }

  /** dx += norm backward (dx is the residual stream's gradient). */
  private normBackward(enc: StepEncoder, prefix: string, dy: GPUBuffer, x: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer, dx: GPUBuffer, rows: number): void {
    const c = this.config;
    if (c.norm === 'layernorm')
      layernormBackward(this.gpu, enc, { dy, x, weight: this.p(`${prefix}.weight`), mean, rstd, dx, dweight: this.g(`${prefix}.weight`), dbias: this.opt(`${prefix}.bias`)?.grad ?? null, rows, C: c.dModel });
    else rmsnormBackward(this.gpu, enc, { dy, x, weight: this.p(`${prefix}.weight`), rstd, dx, dweight: this.g(`${prefix}.weight`), rows, C: c.dModel });
  }

  // ---- linear ----------------------------------------------------------------------------
  linear(enc: StepEncoder, prefix: string, x: GPUBuffer, y: GPUBuffer, M: number, K: number, N: number): void {
    linearForward(this.gpu, enc, { x, w: this.p(`${prefix}.weight`), b: this.opt(`${prefix}.bias`)?.data ?? null, y, M, K, N });
  }

  private linearBack(enc: StepEncoder, prefix: string, dy: GPUBuffer, x: GPUBuffer, dx: GPUBuffer, M: number, K: number, N: number): void {
    linearBackward(this.gpu, enc, { dy, x, w: this.p(`${prefix}.weight`), dx, dw: this.g(`${prefix}.weight`), db: this.opt(`${prefix}.bias`)?.grad ?? null, M, K, N });
  }

  // ---- block -----------------------------------------------------------------------------
  private blockForward(enc: StepEncoder, l: number, a: LayerActs, out: GPUBuffer, acts: Activations): void {
    const c = this.config, { B, T } = acts, BT = B * T, C = c.dModel, hd = headDim(c);
    const h = `h.${l}`;
    this.normForward(enc, `${h}.ln1`, a.x, a.ln1, a.mean1, a.rstd1, BT);
    this.linear(enc, `${h}.attn.qkv`, a.ln1, a.qkv, BT, C, qkvWidth(c));
    if (c.positions === 'rope') rope(this.gpu, enc, { qkv: a.qkv, B, T, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd, base: c.ropeBase });
    attentionForward(this.gpu, enc, { qkv: a.qkv, out: a.att, lse: a.lse, B, T, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd });
    this.linear(enc, `${h}.attn.proj`, a.att, acts.proj, BT, C, C);
    residualForward(this.gpu, enc, a.x, acts.proj, a.xmid, BT * C);
    this.normForward(enc, `${h}.ln2`, a.xmid, a.ln2, a.mean2, a.rstd2, BT);
    this.linear(enc, `${h}.mlp.fc`, a.ln2, a.fc, BT, C, fcWidth(c));
    if (c.mlp === 'gelu') geluForward(this.gpu, enc, { x: a.fc, y: a.act, n: BT * c.mlpHidden });
    else swigluForward(this.gpu, enc, { x: a.fc, y: a.act, rows: BT, H: c.mlpHidden });
    this.linear(enc, `${h}.mlp.proj`, a.act, acts.proj, BT, c.mlpHidden, C);
    residualForward(this.gpu, enc, a.xmid, acts.proj, out, BT * C);
  }

  /** acts.dres holds d(block output); on return it holds d(block input). */
  private blockBackward(enc: StepEncoder, l: number, a: LayerActs, acts: Activations): void {
    const c = this.config, { B, T } = acts, BT = B * T, C = c.dModel, hd = headDim(c);
    const h = `h.${l}`;
    const dres = acts.dres;
    // MLP branch: out = xmid + proj(act(fc(ln2(xmid))))
    this.linearBack(enc, `${h}.mlp.proj`, dres, a.act, acts.dAct, BT, c.mlpHidden, C);
    if (c.mlp === 'gelu') geluBackward(this.gpu, enc, { x: a.fc, dy: acts.dAct, dx: acts.dFc, n: BT * c.mlpHidden });
    else swigluBackward(this.gpu, enc, { x: a.fc, dy: acts.dAct, dx: acts.dFc, rows: BT, H: c.mlpHidden });
    this.linearBack(enc, `${h}.mlp.fc`, acts.dFc, a.ln2, acts.dLn, BT, C, fcWidth(c));
    this.normBackward(enc, `${h}.ln2`, acts.dLn, a.xmid, a.mean2, a.rstd2, dres, BT); // dres: d(xmid)
    // Attention branch: xmid = x + proj(attn(rope(qkv(ln1(x)))))
    this.linearBack(enc, `${h}.attn.proj`, dres, a.att, acts.dAtt, BT, C, C);
    attentionBackward(this.gpu, enc, { qkv: a.qkv, out: a.att, lse: a.lse, dout: acts.dAtt, dqkv: acts.dQkv, B, T, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd });
    if (c.positions === 'rope') rope(this.gpu, enc, { qkv: acts.dQkv, B, T, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd, base: c.ropeBase, inverse: true });
    this.linearBack(enc, `${h}.attn.qkv`, acts.dQkv, a.ln1, acts.dLn, BT, C, qkvWidth(c));
    this.normBackward(enc, `${h}.ln1`, acts.dLn, a.x, a.mean1, a.rstd1, dres, BT); // dres: d(x)
  }

  // ---- model -----------------------------------------------------------------------------
  /** tokens (B·T) i32. Fills acts.hidden (B·T, C) and clears acts.dHidden for the heads. */
  forward(enc: StepEncoder, acts: Activations, tokens: GPUBuffer): void {
    const c = this.config, { B, T } = acts, BT = B * T;
    if (T > c.contextLength) throw new Error(`Sequence length ${T} exceeds the model's context length ${c.contextLength}.`);
    embeddingForward(this.gpu, enc, { tokens, wte: this.p('wte'), wpe: this.opt('wpe')?.data ?? null, out: acts.layers[0].x, B, T, C: c.dModel });
    for (let l = 0; l < c.nLayer; l++) {
      const out = l + 1 < c.nLayer ? acts.layers[l + 1].x : acts.xL;
      this.blockForward(enc, l, acts.layers[l], out, acts);
    }
    this.normForward(enc, 'lnf', acts.xL, acts.hidden, acts.meanf, acts.rstdf, BT);
    enc.clear(acts.dHidden);
  }

  /** Backpropagates acts.dHidden (filled by heads) into every parameter gradient (+=). */
  /** `buckets` is embeddingBuckets(tokens, V) uploaded, with its numIds (deterministic scatter). */
  backward(enc: StepEncoder, acts: Activations, buckets: { buffer: GPUBuffer; numIds: number }): void {
    const c = this.config, { B, T } = acts, BT = B * T;
    enc.clear(acts.dres);
    this.normBackward(enc, 'lnf', acts.dHidden, acts.xL, acts.meanf, acts.rstdf, acts.dres, BT);
    for (let l = c.nLayer - 1; l >= 0; l--) this.blockBackward(enc, l, acts.layers[l], acts);
    embeddingBackward(this.gpu, enc, { dout: acts.dres, dwte: this.g('wte'), dwpe: this.opt('wpe')?.grad ?? null, buckets: buckets.buffer, numIds: buckets.numIds, B, T, C: c.dModel });
  }

  /** Reads all weights back (for checkpoints): one readback per segment. */
  async readWeights(): Promise<Record<string, Float32Array>> { return this.readSegments(this.paramSegments); }

  async readGrads(): Promise<Record<string, Float32Array>> {
    if (!this.trainable) throw new Error('This model is frozen (trainable: false): it has no gradients.');
    return this.readSegments(this.gradSegments);
  }

  private async readSegments(segments: GPUBuffer[]): Promise<Record<string, Float32Array>> {
    const whole = await Promise.all(segments.map((b, i) => this.gpu.read(b, this.layout.segmentBytes[i])));
    const out: Record<string, Float32Array> = {};
    for (const s of this.layout.slots) out[s.name] = new Float32Array(whole[s.segment], s.offset, s.n).slice();
    return out;
  }

  destroy(): void {
    this.gpu.release(...this.paramSegments, ...this.gradSegments, this.frozenGrad);
    this.params.clear();
  }
}
