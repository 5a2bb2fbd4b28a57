// Activation memory for one (B, T): planned and allocated once, reused every step.
// Forward saves exactly what backward needs (norm statistics, attention logsumexp, the MLP's
// pre-activation); scratch buffers are shared across layers.
import type { Gpu } from '../gpu/gpu';
import { type ModelConfig, fcWidth, qkvWidth } from './config';
import { formatBytes } from '../util/format';

export interface LayerActs {
  x: GPUBuffer;      // (BT, C) residual stream entering the block
  ln1: GPUBuffer;    // (BT, C)
  mean1: GPUBuffer;  // (BT) layernorm only (rmsnorm leaves it unused)
  rstd1: GPUBuffer;  // (BT)
  qkv: GPUBuffer;    // (BT, (nHead + 2 nKvHead) hd), after RoPE
  att: GPUBuffer;    // (BT, C) attention output before the projection
  lse: GPUBuffer;    // (B, nHead, T)
  xmid: GPUBuffer;   // (BT, C) residual after attention
  ln2: GPUBuffer;    // (BT, C)
  mean2: GPUBuffer;  // (BT)
  rstd2: GPUBuffer;  // (BT)
  fc: GPUBuffer;     // (BT, H) or (BT, 2H) for SwiGLU
  act: GPUBuffer;    // (BT, H)
}

export interface Activations {
  B: number;
  T: number;
  layers: LayerActs[];
  xL: GPUBuffer;       // (BT, C) final residual
  hidden: GPUBuffer;   // (BT, C) final norm output: what heads read
  meanf: GPUBuffer;    // (BT)
  rstdf: GPUBuffer;    // (BT)
  // gradients and scratch
  dHidden: GPUBuffer;  // (BT, C) heads accumulate into it
  dres: GPUBuffer;     // (BT, C) gradient of the residual stream, flowing down
  proj: GPUBuffer;     // (BT, C) linear output before the residual add
  dAct: GPUBuffer;     // (BT, H)
  dFc: GPUBuffer;      // (BT, fcWidth)
  dAtt: GPUBuffer;     // (BT, C)
  dQkv: GPUBuffer;     // (BT, qkvWidth)
  dLn: GPUBuffer;      // (BT, C)
  bytes: number;
}

/** Bytes of activations for (B, T), without allocating. */
export function activationBytes(c: ModelConfig, B: number, T: number): number {
  const BT = B * T, C = c.dModel, H = c.mlpHidden, Q = qkvWidth(c), F = fcWidth(c);
  const perLayer = BT * (C * 5 + Q + F + H + 4) + B * c.nHead * T;
  const rest = BT * (C * 7 + Q + F + H + 2);
  return 4 * (perLayer * c.nLayer + rest);
}

export function planActivations(gpu: Gpu, c: ModelConfig, B: number, T: number): Activations {
  const BT = B * T, C = c.dModel, H = c.mlpHidden, Q = qkvWidth(c), F = fcWidth(c);
  const total = activationBytes(c, B, T);
  const buf = (floats: number, label: string) => gpu.buffer(4 * floats, label);
  try {
    const layers: LayerActs[] = [];
    for (let l = 0; l < c.nLayer; l++) {
      layers.push({
        x: buf(BT * C, `h${l}.x`), ln1: buf(BT * C, `h${l}.ln1`), mean1: buf(BT, `h${l}.mean1`), rstd1: buf(BT, `h${l}.rstd1`),
        qkv: buf(BT * Q, `h${l}.qkv`), att: buf(BT * C, `h${l}.att`), lse: buf(B * c.nHead * T, `h${l}.lse`),
        xmid: buf(BT * C, `h${l}.xmid`), ln2: buf(BT * C, `h${l}.ln2`), mean2: buf(BT, `h${l}.mean2`), rstd2: buf(BT, `h${l}.rstd2`),
        fc: buf(BT * F, `h${l}.fc`), act: buf(BT * H, `h${l}.act`),
      });
    }
    return {
      B, T, layers,
      xL: buf(BT * C, 'xL'), hidden: buf(BT * C, 'hidden'), meanf: buf(BT, 'meanf'), rstdf: buf(BT, 'rstdf'),
      dHidden: buf(BT * C, 'dHidden'), dres: buf(BT * C, 'dres'), proj: buf(BT * C, 'proj'),
      dAct: buf(BT * H, 'dAct'), dFc: buf(BT * F, 'dFc'), dAtt: buf(BT * C, 'dAtt'), dQkv: buf(BT * Q, 'dQkv'), dLn: buf(BT * C, 'dLn'),
      bytes: total,
    };
  } catch (e) {
    throw new Error(`Activations for batch ${B} × context ${T} need about ${formatBytes(total)}: ${(e as Error).message}`);
  }
}

export function releaseActivations(gpu: Gpu, a: Activations): void {
  for (const l of a.layers) gpu.release(...Object.values(l));
  gpu.release(a.xL, a.hidden, a.meanf, a.rstdf, a.dHidden, a.dres, a.proj, a.dAct, a.dFc, a.dAtt, a.dQkv, a.dLn);
}
