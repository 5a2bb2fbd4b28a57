// Fused LM head + cross-entropy, backward: one vocabulary chunk of logits (rows, n) — columns
// [v0, v0 + n) of rows [r0, r0 + rows) — turned IN PLACE into its gradient
//   dlogits[row, c] = rowGrad[g] · (exp(logits[row, c] − lse[g]) − [v0 + c == targets[g]])
// with g = r0 + row; 0 for rows whose target is ignored (outside [0, V), the convention −1).
// rowGrad[g] = ∂L/∂losses[g] (1/count for a mean loss; SFT masks, PPO, GRPO and DPO supply their
// own). lse comes from the forward (lmhead_forward.wgsl), so x − lse ≤ 0 and exp never overflows.
// A row-kernel body without reductions (see reduce_rows_thread.wgsl for composition).
// Bindings: @0 params, @1 targets (all rows) i32, @2 lse (all rows), @3 rowGrad (all rows),
//   @4 chunk (rows, n) as packs: logits in, dlogits out.
struct Params { rows: u32, n: u32, v0: u32, r0: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> lse: array<f32>;
@group(0) @binding(3) var<storage, read> rowGrad: array<f32>;
@group(0) @binding(4) var<storage, read_write> chunk: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  if (row >= p.rows) { return; }
  let n = p.n / W;
  let base = row * n;
  let g = p.r0 + row;
  let t = targets[g];
  let counted = t >= 0 && u32(t) < p.V;
  // An ignored row gets factor 0 and a one-hot index no pack holds: every gradient is exactly 0.
  let f = select(0.0, rowGrad[g], counted);
  let inChunk = counted && u32(t) >= p.v0 && u32(t) < p.v0 + p.n;
  let hot = select(p.n, u32(t) - p.v0, inChunk);
  let l = lse[g];
  for (var c = lane; c < n; c += lanes) {
    chunk[base + c] = f * (exp(chunk[base + c] - l) - onehot(c, hot));
  }
}
