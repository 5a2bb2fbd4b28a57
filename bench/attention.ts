// Our fused causal attention vs the same attention written with TF.js ops, on the same adapter:
//   TF.js: split the packed qkv (B, T, 3·C) into heads, q·kᵀ·scale + causal mask, softmax, ·v,
//   merge heads back to (B, T, C) — the path a TF.js model would take from the same layout.
// Forward alone, and forward + backward (ours: attentionForward + attentionBackward; TF.js: tf.grads
// of the same function, which runs the forward and then the backward). Shapes: one attention layer
// of the 6-layer d=384 model (B=8, T=256, 6 heads of 64) and a smaller one. Inputs are on the GPU
// before timing. Flops count the causal half only: forward 2·B·nHead·T²·hd, backward 2.5× that.
// It does not check results against each other (tests/kernels/attention.test.ts does correctness).
import type { Gpu } from '../src/gpu/gpu';
import { attentionBackward, attentionForward, type AttentionShape } from '../src/kernels/attention';
import { Rng } from '../src/util/rng';
import { makeRow, measureGpu, type BenchRow, type TimingOpts } from './common';
import { initTfjs, measureTfjs, type Tf } from './tfjs';

type Tensor = ReturnType<Tf['tensor']>;

export function attentionCases(quick: boolean): (AttentionShape & { name: string })[] {
  return [
    { name: 'd384 layer', B: quick ? 2 : 8, T: 256, nHead: 6, nKvHead: 6, headDim: 64 },
    { name: 'small', B: 4, T: 128, nHead: 4, nKvHead: 4, headDim: 32 },
  ];
}

/** Causal attention from packed qkv (B, T, 3·nHead·hd) to (B, T, nHead·hd), multi-head only. */
function tfAttention(tf: Tf, qkv: Tensor, mask: Tensor, { B, T, nHead, headDim }: AttentionShape): Tensor {
  // tfjs-core alone registers no chained ops (x.reshape): use the functional forms.
  const heads = (x: Tensor) => tf.transpose(tf.reshape(x, [B, T, nHead, headDim]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(qkv, 3, 2).map(heads); // (B, nHead, T, hd)
  const att = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), mask); // (B, nHead, T, T)
  const y = tf.matMul(tf.softmax(att), v); // (B, nHead, T, hd)
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, nHead * headDim]);
}

/** TF.js's own gradients for the ops tfAttention uses. tfjs-core's Node bundle has none, and its
 *  register_all_gradients module cannot load under Node's ESM resolver (it reaches an ambiguous
 *  './gradients' import), so the needed ones are imported one by one. They register into TF.js's
 *  global registry, shared by both copies of tfjs-core. Called after initTfjs (navigator.gpu first). */
async function registerGradients(tf: Tf): Promise<void> {
  for (const op of ['Add', 'BatchMatMul', 'Multiply', 'Reshape', 'Softmax', 'SplitV', 'Transpose']) {
    const mod = (await import(`@tensorflow/tfjs-core/dist/gradients/${op}_grad.js`)) as Record<string, Parameters<Tf['registerGradient']>[0]>;
    tf.registerGradient(mod[`${op[0].toLowerCase()}${op.slice(1)}GradConfig`]);
  }
}

export async function benchAttention(gpu: Gpu, quick: boolean, timing: TimingOpts = {}): Promise<BenchRow[]> {
  const peer = await initTfjs(gpu);
  const { tf } = peer;
  await registerGradients(tf);
  const rows: BenchRow[] = [];
  const rng = new Rng(3);
  for (const c of attentionCases(quick)) {
    const { B, T, nHead, nKvHead, headDim } = c;
    const nQkv = B * T * (nHead + 2 * nKvHead) * headDim, nOut = B * T * nHead * headDim;
    const qkv = rng.normals(nQkv), dout = rng.normals(nOut);
    const Qkv = gpu.upload(qkv), Dout = gpu.upload(dout);
    const Out = gpu.buffer(nOut * 4), Lse = gpu.buffer(B * nHead * T * 4), Dqkv = gpu.buffer(nQkv * 4);
    const io = { qkv: Qkv, out: Out, lse: Lse, ...c };
    const fwd = await measureGpu(gpu, (enc) => attentionForward(gpu, enc, io), timing);
    const both = await measureGpu(gpu, (enc) => {
      attentionForward(gpu, enc, io);
      attentionBackward(gpu, enc, { ...io, dout: Dout, dqkv: Dqkv });
    }, timing);
    gpu.release(Qkv, Dout, Out, Lse, Dqkv);

    const tQkv = tf.tensor3d(qkv, [B, T, 3 * nHead * headDim]);
    const tDout = tf.tensor3d(dout, [B, T, nHead * headDim]);
    const tMask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9)); // (T, T)
    const grad = tf.grads((x: Tensor) => tfAttention(tf, x, tMask, c));
    const tfFwd = await measureTfjs(peer, () => tf.tidy(() => tfAttention(tf, tQkv, tMask, c)), timing);
    const tfBoth = await measureTfjs(peer, () => tf.tidy(() => grad([tQkv], tDout)), timing);
    tf.dispose([tQkv, tDout, tMask]);

    const shape = `B${B} T${T} ${nHead}x${headDim}`;
    const flops = 2 * B * nHead * T * T * headDim;
    for (const row of [
      makeRow('attention', `${c.name} fwd`, shape, flops, fwd, tfFwd),
      makeRow('attention', `${c.name} fwd+bwd`, shape, 3.5 * flops, both, tfBoth),
    ]) {
      rows.push(row);
      console.log(`  ${row.name.padEnd(18)} ours ${row.oursMs.toFixed(1)} ms, TF.js ${row.peerMs!.toFixed(1)} ms (${row.ratio!.toFixed(2)}×)`);
    }
  }
  return rows;
}
