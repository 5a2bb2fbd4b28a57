// Test helper: loss and every parameter gradient of the GPU model for one batch, read back.
import type { Gpu } from '../../src/gpu/gpu';
import { Gpt } from '../../src/model/gpt';
import { LmHead, type LmHeadOptions } from '../../src/model/heads';
import { planActivations, releaseActivations } from '../../src/model/activations';
import { meanLoss } from '../../src/kernels/crossentropy';
import { embeddingBuckets } from '../../src/kernels/embedding';
import type { ModelConfig } from '../../src/model/config';

export async function gpuLossAndGrads(gpu: Gpu, config: ModelConfig, weights: Record<string, Float32Array>, tokens: Int32Array, targets: Int32Array, B: number, T: number, headOptions: LmHeadOptions = {}, onePass = false) {
  const model = new Gpt(gpu, config, weights);
  const acts = planActivations(gpu, config, B, T);
  const head = new LmHead(model, B * T, headOptions);
  const tok = gpu.upload(tokens), tgt = gpu.upload(targets);
  const bk = embeddingBuckets(tokens, config.vocabSize);
  const buckets = gpu.upload(bk.data);
  const lossOut = gpu.buffer(4);
  const enc = gpu.encoder('grads');
  model.zeroGrads(enc);
  const lossArgs = { losses: head.losses, targets: tgt, out: lossOut, N: B * T, V: config.vocabSize };
  if (onePass) {
    // As LmTrainer: the mean's rowGrad depends on the targets only, so it comes first.
    meanLoss(gpu, enc, { ...lossArgs, rowGrad: head.rowGrad });
    model.forward(enc, acts, tok);
    head.forwardBackward(enc, acts, tgt);
    meanLoss(gpu, enc, lossArgs);
  } else {
    model.forward(enc, acts, tok);
    head.forward(enc, acts, tgt);
    meanLoss(gpu, enc, { ...lossArgs, rowGrad: head.rowGrad });
    head.backward(enc, acts, tgt);
  }
  model.backward(enc, acts, { buffer: buckets, numIds: bk.numIds });
  enc.submit();
  const [loss] = await gpu.readF32(lossOut, 1);
  const grads = await model.readGrads();
  head.destroy();
  releaseActivations(gpu, acts);
  gpu.release(tok, tgt, buckets, lossOut);
  return { loss, grads, model };
}

/** max |x| over all arrays of a record. */
export function maxAbs(rec: Record<string, ArrayLike<number>>): number {
  let m = 0;
  for (const a of Object.values(rec)) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
