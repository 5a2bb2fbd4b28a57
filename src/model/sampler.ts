// Autoregressive generation with a KV cache, for one sequence (streaming) or a batch of B
// sequences that step together (RL rollouts). Each layer's cache is simply its qkv rows so far,
// (maxBatch, Tmax, (nHead + 2·nKvHead)·hd) after RoPE; a new token runs the block on B rows and
// attends to the cache (attention_decode). The prompt is fed through the same path in one submit,
// or — when the caller lends activations (`prefillActs`, e.g. a trainer's) — as ordinary forward
// passes over whole prompts whose qkv rows are copied into the cache (far fewer dispatches, and
// no memory of its own for it). Each new token then costs one submit and one readback of B·V
// logits (sampled on the CPU).
// A batch shares one position counter, so its prompts must have the same length (callers group
// prompts by length). With one sequence, when the context fills up the cache is rebuilt from the
// last half of the tokens; a batch must fit instead.
// It does not decode text (the tokenizer's streaming decoder does) and computes no gradients.
import type { Gpt } from './gpt';
import type { Activations } from './activations';
import type { StepEncoder } from '../gpu/step-encoder';
import { fcWidth, headDim, qkvWidth } from './config';
import { embeddingForward } from '../kernels/embedding';
import { rope } from '../kernels/rope';
import { attentionDecode } from '../kernels/attention_decode';
import { residualForward } from '../kernels/residual';
import { geluForward } from '../kernels/gelu';
import { swigluForward } from '../kernels/swiglu';
import { linearForward } from '../kernels/matmul';
import { Rng } from '../util/rng';
import { checkSampling, pickToken, type SamplingParams } from './sample-cpu';

export interface GenerateOptions extends SamplingParams {
  maxTokens: number;
  seed: number;
  /** Stop when this returns true (e.g. the decoded text ends with a stop string). */
  shouldStop?: (ids: number[]) => boolean;
  signal?: AbortSignal;
}

export interface BatchGenerateOptions extends SamplingParams {
  maxTokens: number;
  seed: number;
  /** Row `row` stops (its last id kept) when this returns true for its new ids so far. */
  shouldStop?: (ids: number[], row: number) => boolean;
  signal?: AbortSignal;
}

type RowBuffers = Record<'x0' | 'x1' | 'ln' | 'mean' | 'rstd' | 'qkv' | 'att' | 'proj' | 'fc' | 'act' | 'hidden' | 'logits', GPUBuffer>;

export class KvSampler {
  private readonly caches: GPUBuffer[]; // per layer (maxBatch, Tmax, Q)
  private readonly ids: GPUBuffer;      // (Tmax, maxBatch) i32, position-major: one copy feeds a step
  private readonly tok: GPUBuffer;      // (maxBatch) i32
  private readonly row: RowBuffers;     // (maxBatch, ·) each
  private prefillTokens: GPUBuffer | null = null; // (prefillActs.B · prefillActs.T) i32
  readonly Tmax: number;

  /** `prefillActs`: activations of this model's config, lent for prompt prefill; they are
   *  overwritten during generate calls. */
  constructor(private readonly model: Gpt, maxLen = model.config.contextLength, readonly maxBatch = 1, private readonly prefillActs: Activations | null = null) {
    const c = model.config, gpu = model.gpu, C = c.dModel, M = maxBatch;
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new Error(`The sampler's batch size must be a whole number ≥ 1, got ${maxBatch}.`);
    if (prefillActs && prefillActs.layers.length !== c.nLayer) throw new Error('Prefill activations must be planned for the sampled model.');
    this.Tmax = Math.min(maxLen, c.contextLength);
    this.caches = Array.from({ length: c.nLayer }, (_, l) => gpu.buffer(4 * M * this.Tmax * qkvWidth(c), `kv.${l}`));
    this.ids = gpu.buffer(4 * this.Tmax * M, 'sample.ids');
    this.tok = gpu.buffer(4 * M, 'sample.tok');
    const f = (n: number, label: string) => gpu.buffer(4 * M * n, `sample.${label}`);
    this.row = {
      x0: f(C, 'x0'), x1: f(C, 'x1'), ln: f(C, 'ln'), mean: f(1, 'mean'), rstd: f(1, 'rstd'), qkv: f(qkvWidth(c), 'qkv'),
      att: f(C, 'att'), proj: f(C, 'proj'), fc: f(fcWidth(c), 'fc'), act: f(c.mlpHidden, 'act'), hidden: f(C, 'hidden'), logits: f(c.vocabSize, 'logits'),
    };
  }

  /** Bytes a sampler for this model, context and batch allocates (for memory planning). */
  static bytes(c: Gpt['config'], maxLen: number, maxBatch: number): number {
    const Tmax = Math.min(maxLen, c.contextLength), C = c.dModel, Q = qkvWidth(c);
    const rows = 6 * C + 2 + Q + fcWidth(c) + c.mlpHidden + c.vocabSize;
    return 4 * maxBatch * (c.nLayer * Tmax * Q + Tmax + 1 + rows);
  }

  /** Records the forward of B rows at window position `pos` (their ids already in ids[pos]). */
  private recordPosition(enc: StepEncoder, pos: number, withLogits: boolean, B: number): void {
    const m = this.model, c = m.config, gpu = m.gpu, C = c.dModel, hd = headDim(c), Q = qkvWidth(c), r = this.row;
    enc.copy(this.ids, this.tok, 4 * B, 4 * pos * this.maxBatch, 0);
    embeddingForward(gpu, enc, { tokens: this.tok, wte: m.p('wte'), wpe: m.opt('wpe')?.data ?? null, out: r.x0, B, T: 1, C, posOffset: pos });
    let x = r.x0, y = r.x1;
    for (let l = 0; l < c.nLayer; l++) {
      const h = `h.${l}`;
      m.normForward(enc, `${h}.ln1`, x, r.ln, r.mean, r.rstd, B);
      m.linear(enc, `${h}.attn.qkv`, r.ln, r.qkv, B, C, Q);
      if (c.positions === 'rope') rope(gpu, enc, { qkv: r.qkv, B, T: 1, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd, base: c.ropeBase, posOffset: pos });
      for (let b = 0; b < B; b++) enc.copy(r.qkv, this.caches[l], 4 * Q, 4 * Q * b, 4 * Q * (b * this.Tmax + pos));
      attentionDecode(gpu, enc, { cache: this.caches[l], out: r.att, B, Tmax: this.Tmax, n: pos + 1, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd });
      m.linear(enc, `${h}.attn.proj`, r.att, r.proj, B, C, C);
      residualForward(gpu, enc, x, r.proj, y, B * C);
      [x, y] = [y, x];
      m.normForward(enc, `${h}.ln2`, x, r.ln, r.mean, r.rstd, B);
      m.linear(enc, `${h}.mlp.fc`, r.ln, r.fc, B, C, fcWidth(c));
      if (c.mlp === 'gelu') geluForward(gpu, enc, { x: r.fc, y: r.act, n: B * c.mlpHidden });
      else swigluForward(gpu, enc, { x: r.fc, y: r.act, rows: B, H: c.mlpHidden });
      m.linear(enc, `${h}.mlp.proj`, r.act, r.proj, B, c.mlpHidden, C);
      residualForward(gpu, enc, x, r.proj, y, B * C);
      [x, y] = [y, x];
    }
    if (!withLogits) return;
    m.normForward(enc, 'lnf', x, r.hidden, r.mean, r.rstd, B);
    linearForward(gpu, enc, { x: r.hidden, w: m.p(m.lmHeadName), b: null, y: r.logits, M: B, K: C, N: c.vocabSize });
  }

  /** Writes the ids of position `pos` for rows 0..B−1. */
  private writeIds(pos: number, rowIds: ArrayLike<number>): void {
    this.model.gpu.write(this.ids, Int32Array.from(rowIds), 4 * pos * this.maxBatch);
  }

  /** Fills the cache with the B equally long `windows` and returns the logits (B, V) after their last token. */
  private async prefill(windows: number[][]): Promise<Float32Array> {
    const A = this.prefillActs;
    if (A && windows[0].length <= A.T) return this.prefillForward(windows, A);
    const gpu = this.model.gpu, B = windows.length, L = windows[0].length, M = this.maxBatch;
    const ids = new Int32Array(L * M);
    for (let pos = 0; pos < L; pos++) for (let b = 0; b < B; b++) ids[pos * M + b] = windows[b][pos];
    gpu.write(this.ids, ids);
    const enc = gpu.encoder('prefill');
    for (let pos = 0; pos < L; pos++) this.recordPosition(enc, pos, pos === L - 1, B);
    enc.submit();
    return gpu.readF32(this.row.logits, B * this.model.config.vocabSize);
  }

  /** Prefill by forward passes of up to A.B prompts at a time: each layer's qkv rows (after RoPE)
   *  become the cache rows, and the last position's hidden state of each prompt feeds the LM head. */
  private async prefillForward(windows: number[][], A: Activations): Promise<Float32Array> {
    const m = this.model, gpu = m.gpu, c = m.config, B = windows.length, L = windows[0].length, C = c.dModel, Q = qkvWidth(c);
    this.prefillTokens ??= gpu.buffer(4 * A.B * A.T, 'sample.prefill-tokens');
    for (let start = 0; start < B; start += A.B) {
      const rows = Math.min(A.B, B - start);
      const tokens = new Int32Array(rows * L);
      for (let r = 0; r < rows; r++) tokens.set(windows[start + r], r * L);
      gpu.write(this.prefillTokens, tokens);
      const enc = gpu.encoder('prefill');
      m.forward(enc, { ...A, B: rows, T: L }, this.prefillTokens);
      for (let r = 0; r < rows; r++) {
        const b = start + r;
        for (let l = 0; l < c.nLayer; l++) enc.copy(A.layers[l].qkv, this.caches[l], 4 * L * Q, 4 * r * L * Q, 4 * b * this.Tmax * Q);
        enc.copy(A.hidden, this.row.hidden, 4 * C, 4 * (r * L + L - 1) * C, 4 * b * C);
      }
      if (start + rows === B) linearForward(gpu, enc, { x: this.row.hidden, w: m.p(m.lmHeadName), b: null, y: this.row.logits, M: B, K: C, N: c.vocabSize });
      enc.submit();
    }
    return gpu.readF32(this.row.logits, B * c.vocabSize);
  }

  /** Feeds one new id per row at position `pos` and returns the next logits (B, V). */
  private async step(pos: number, rowIds: number[]): Promise<Float32Array> {
    const gpu = this.model.gpu, B = rowIds.length;
    this.writeIds(pos, rowIds);
    const enc = gpu.encoder('decode');
    this.recordPosition(enc, pos, true, B);
    enc.submit();
    return gpu.readF32(this.row.logits, B * this.model.config.vocabSize);
  }

  private checkTokens(prompt: number[]): void {
    const V = this.model.config.vocabSize;
    for (const t of prompt) if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new Error(`Prompt token ${t} is outside the vocabulary (0..${V - 1}).`);
  }

  /** Generates up to maxTokens after `prompt`, calling onToken for each new id as it is produced. */
  async generate(prompt: number[], opts: GenerateOptions, onToken?: (id: number) => void): Promise<number[]> {
    checkSampling(opts);
    this.checkTokens(prompt);
    const rng = new Rng(opts.seed);
    const all = prompt.length > 0 ? [...prompt] : [0];
    let window = all.slice(-this.Tmax);
    let logits = await this.prefill([window]);
    const out: number[] = [];
    for (let i = 0; i < opts.maxTokens; i++) {
      if (opts.signal?.aborted) break;
      const id = pickToken(logits, opts, rng);
      out.push(id);
      all.push(id);
      onToken?.(id);
      if (opts.shouldStop?.(out) || i + 1 === opts.maxTokens) break;
      if (window.length === this.Tmax) {
        window = all.slice(-Math.max(1, Math.floor(this.Tmax / 2)));
        logits = await this.prefill([window]);
        continue;
      }
      window.push(id);
      logits = await this.step(window.length - 1, [id]);
    }
    return out;
  }

  /** Samples a continuation for each of B ≤ maxBatch prompts of equal length, all stepping together.
   *  Row b's ids end at its stop (included) or after maxTokens. Rows draw from one seeded RNG in
   *  row order, so the result depends only on the prompts and options. */
  async generateBatch(prompts: number[][], opts: BatchGenerateOptions): Promise<number[][]> {
    checkSampling(opts);
    const B = prompts.length, V = this.model.config.vocabSize;
    if (B === 0) return [];
    if (B > this.maxBatch) throw new Error(`A batch of ${B} prompts exceeds the sampler's batch size ${this.maxBatch}.`);
    const L = prompts[0].length;
    if (L === 0) throw new Error('Batched generation needs non-empty prompts.');
    for (const p of prompts) {
      if (p.length !== L) throw new Error(`Batched prompts must have the same length (${L} and ${p.length}); group them by length.`);
      this.checkTokens(p);
    }
    if (L + opts.maxTokens - 1 > this.Tmax)
      throw new Error(`Prompts of ${L} tokens plus ${opts.maxTokens} new ones exceed the sampler's context of ${this.Tmax}.`);
    const rng = new Rng(opts.seed);
    const out: number[][] = prompts.map(() => []);
    const done = new Array<boolean>(B).fill(false);
    let logits = await this.prefill(prompts);
    for (let i = 0; i < opts.maxTokens && !opts.signal?.aborted; i++) {
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const id = pickToken(logits.subarray(b * V, (b + 1) * V), opts, rng);
        out[b].push(id);
        if (opts.shouldStop?.(out[b], b)) done[b] = true;
      }
      if (done.every(Boolean) || i + 1 === opts.maxTokens) break;
      // A finished row keeps stepping on its last id (its outputs are ignored): one batch, one submit.
      logits = await this.step(L + i, out.map((ids) => ids[ids.length - 1]));
    }
    return out;
  }

  destroy(): void {
    const gpu = this.model.gpu;
    gpu.release(...this.caches, this.ids, this.tok, this.prefillTokens, ...Object.values(this.row));
  }
}
