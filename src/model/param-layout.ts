// Where each parameter tensor lives in the model's flat storage: a few large buffers ("segments")
// instead of one buffer per tensor, so zeroing gradients, the gradient norm and AdamW are a few
// dispatches per segment rather than a few per tensor. Parameters and gradients (and AdamW's
// moments) share one layout: the same tensor sits at the same byte offset of the same segment.
// Tensors start on 256-byte boundaries (WebGPU's largest storage offset alignment), so each one can
// be bound on its own as a sub-range; the gaps stay zero. Decayed tensors come first in a segment
// and the others after, so each kind is one contiguous run for AdamW. A segment never exceeds the
// device's storage binding size (nor its buffer size): a larger model gets several.
// Pure planning: buffers are made by gpt.ts; the checkpoint format (one tensor per name) is not
// affected by the layout.
import { numel, type ParamSpec } from './params';
import { sizeClass } from '../gpu/buffer-pool';

export const TENSOR_ALIGN = 256;

export interface TensorSlot { name: string; n: number; decay: boolean; segment: number; offset: number }

export interface ParamLayout {
  /** In storage order: by segment, decayed tensors first within a segment. */
  slots: TensorSlot[];
  /** Bytes of each segment (a multiple of TENSOR_ALIGN). */
  segmentBytes: number[];
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;

/** The largest segment whose pooled buffer (sizes rounded up by sizeClass) still fits `limitBytes`. */
export function segmentCap(limitBytes: number): number {
  let cap = Math.floor(limitBytes / TENSOR_ALIGN) * TENSOR_ALIGN;
  while (cap > TENSOR_ALIGN && sizeClass(cap) > limitBytes) cap -= TENSOR_ALIGN * Math.max(1, Math.floor(cap / TENSOR_ALIGN / 64));
  return cap;
}

/** Packs `specs` into segments of at most `capBytes` each. */
export function planParamLayout(specs: ParamSpec[], capBytes: number): ParamLayout {
  const ordered = [...specs.filter((s) => s.decay), ...specs.filter((s) => !s.decay)];
  const slots: TensorSlot[] = [];
  const segmentBytes: number[] = [];
  // Tensors go in order into the current segment while they fit; decayed and not-decayed tensors
  // each stay one run per segment because the order puts every decayed tensor first.
  let used = 0;
  for (const s of ordered) {
    const n = numel(s.shape);
    const bytes = alignUp(4 * n, TENSOR_ALIGN);
    if (bytes > capBytes) throw new Error(`Parameter ${s.name} (${s.shape.join('×')}) needs ${bytes} bytes, more than the ${capBytes} bytes one storage binding may hold on this GPU.`);
    if (segmentBytes.length === 0 || used + bytes > capBytes) { segmentBytes.push(0); used = 0; }
    const segment = segmentBytes.length - 1;
    slots.push({ name: s.name, n, decay: s.decay, segment, offset: used });
    used += bytes;
    segmentBytes[segment] = used;
  }
  return { slots, segmentBytes };
}
