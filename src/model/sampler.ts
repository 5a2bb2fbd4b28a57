// Autoregressive generation with a KV cache. Each layer's cache is simply its qkv rows so far,
// (Tmax, (nHead + 2·nKvHead)·hd) after RoPE; a new token runs the block on one row and attends to
// the cache (attention_decode). The prompt is fed through the same path in one submit; each new
// token then costs one submit and one readback of V logits (sampled on the CPU, streamed out).
// When the context fills up, the cache is rebuilt from the last half of the tokens.
// It does not decode text (the tokenizer's streaming decoder does) and computes no gradients.
import type { Gpt } from './gpt';
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

export class KvSampler {
  private readonly caches: GPUBuffer[];
  private readonly ids: GPUBuffer;   // (Tmax) i32 token ids of the current window
  private readonly tok: GPUBuffer;   // (1) i32
  private readonly row: Record<'x0' | 'x1' | 'ln' | 'mean' | 'rstd' | 'qkv' | 'att' | 'proj' | 'fc' | 'act' | 'hidden' | 'logits', GPUBuffer>;
  readonly Tmax: number;

  constructor(private readonly model: Gpt, maxLen = model.config.contextLength) {
    const c = model.config, gpu = model.gpu, C = c.dModel;
    this.Tmax = Math.min(maxLen, c.contextLength);
    this.caches = Array.from({ length: c.nLayer }, (_, l) => gpu.buffer(4 * this.Tmax * qkvWidth(c), `kv.${l}`));
    this.ids = gpu.buffer(4 * this.Tmax, 'sample.ids');
    this.tok = gpu.buffer(4, 'sample.tok');
    const f = (n: number, label: string) => gpu.buffer(4 * n, `sample.${label}`);
    this.row = {
      x0: f(C, 'x0'), x1: f(C, 'x1'), ln: f(C, 'ln'), mean: f(1, 'mean'), rstd: f(1, 'rstd'), qkv: f(qkvWidth(c), 'qkv'),
      att: f(C, 'att'), proj: f(C, 'proj'), fc: f(fcWidth(c), 'fc'), act: f(c.mlpHidden, 'act'), hidden: f(C, 'hidden'), logits: f(c.vocabSize, 'logits'),
    };
  }

  /** Records the forward of the token at window position `pos` (its id already in ids[pos]). */
  private recordPosition(enc: StepEncoder, pos: number, withLogits: boolean): void {
    const m = this.model, c = m.config, gpu = m.gpu, C = c.dModel, hd = headDim(c), Q = qkvWidth(c), r = this.row;
    enc.copy(this.ids, this.tok, 4, 4 * pos, 0);
    embeddingForward(gpu, enc, { tokens: this.tok, wte: m.p('wte'), wpe: m.opt('wpe')?.data ?? null, out: r.x0, B: 1, T: 1, C, posOffset: pos });
    let x = r.x0, y = r.x1;
    for (let l = 0; l < c.nLayer; l++) {
      const h = `h.${l}`;
      m.normForward(enc, `${h}.ln1`, x, r.ln, r.mean, r.rstd, 1);
      m.linear(enc, `${h}.attn.qkv`, r.ln, r.qkv, 1, C, Q);
      if (c.positions === 'rope') rope(gpu, enc, { qkv: r.qkv, B: 1, T: 1, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd, base: c.ropeBase, posOffset: pos });
      enc.copy(r.qkv, this.caches[l], 4 * Q, 0, 4 * Q * pos);
      attentionDecode(gpu, enc, { cache: this.caches[l], out: r.att, B: 1, Tmax: this.Tmax, n: pos + 1, nHead: c.nHead, nKvHead: c.nKvHead, headDim: hd });
      m.linear(enc, `${h}.attn.proj`, r.att, r.proj, 1, C, C);
      residualForward(gpu, enc, x, r.proj, y, C);
      [x, y] = [y, x];
      m.normForward(enc, `${h}.ln2`, x, r.ln, r.mean, r.rstd, 1);
      m.linear(enc, `${h}.mlp.fc`, r.ln, r.fc, 1, C, fcWidth(c));
      if (c.mlp === 'gelu') geluForward(gpu, enc, { x: r.fc, y: r.act, n: c.mlpHidden });
      else swigluForward(gpu, enc, { x: r.fc, y: r.act, rows: 1, H: c.mlpHidden });
      m.linear(enc, `${h}.mlp.proj`, r.act, r.proj, 1, c.mlpHidden, C);
      residualForward(gpu, enc, x, r.proj, y, C);
      [x, y] = [y, x];
    }
    if (!withLogits) return;
    m.normForward(enc, 'lnf', x, r.hidden, r.mean, r.rstd, 1);
    linearForward(gpu, enc, { x: r.hidden, w: m.p(m.lmHeadName), b: null, y: r.logits, M: 1, K: C, N: c.vocabSize });
  }

  /** Fills the cache with `window` and returns the logits after its last token. */
  private async prefill(window: number[]): Promise<Float32Array> {
    const gpu = this.model.gpu;
    gpu.write(this.ids, Int32Array.from(window));
    const enc = gpu.encoder('prefill');
    for (let pos = 0; pos < window.length; pos++) this.recordPosition(enc, pos, pos === window.length - 1);
    enc.submit();
    return gpu.readF32(this.row.logits, this.model.config.vocabSize);
  }

  /** Generates up to maxTokens after `prompt`, calling onToken for each new id as it is produced. */
  async generate(prompt: number[], opts: GenerateOptions, onToken?: (id: number) => void): Promise<number[]> {
    checkSampling(opts);
    const V = this.model.config.vocabSize, gpu = this.model.gpu;
    for (const t of prompt) if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new Error(`Prompt token ${t} is outside the vocabulary (0..${V - 1}).`);
    const rng = new Rng(opts.seed);
    const all = prompt.length > 0 ? [...prompt] : [0];
    let window = all.slice(-this.Tmax);
    let logits = await this.prefill(window);
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
        logits = await this.prefill(window);
        continue;
      }
      window.push(id);
      const pos = window.length - 1;
      gpu.write(this.ids, Int32Array.of(id), 4 * pos);
      const enc = gpu.encoder('decode');
      this.recordPosition(enc, pos, true);
      enc.submit();
      logits = await gpu.readF32(this.row.logits, V);
    }
    return out;
  }

  destroy(): void {
    const gpu = this.model.gpu;
    gpu.release(...this.caches, this.ids, this.tok, ...Object.values(this.row));
  }
}
