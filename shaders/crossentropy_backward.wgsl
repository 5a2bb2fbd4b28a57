// Fused softmax cross-entropy, backward: for each element of logits (N, V)
//   dlogits[t, v] = rowGrad[t] · (exp(logits[t, v] − lse[t]) − [v == targets[t]]),  0 for ignored rows
// rowGrad[t] = ∂L/∂losses[t] (1/count for a mean loss; PPO / DPO supply their own). Elementwise given
// the saved lse, so each lane reads its logits once and writes their gradients once: in-place
// (dlogits = logits) is safe. WebGPU forbids binding one buffer both read-only and writable, so
// IN_PLACE = true reads the logits from the dlogits binding and the caller fills the logits slot
// with any other read-only buffer (never read).
// Targets outside [0, V) (the convention is −1) are ignored.
// A row-kernel body without reductions (composition and dispatch: see layernorm_forward.wgsl's
// header): going by rows reads targets, lse and rowGrad once per row, and needs no division.
// Bindings: @0 params {N, V}, @1 logits (N, V) read, @2 targets (N) i32, @3 lse (N), @4 rowGrad (N),
//   @5 dlogits (N, V) read_write; logits and dlogits as V packs.
override IN_PLACE: bool = false;

struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<V>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> rowGrad: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<V>;

fn rowMain(row: u32, lane: u32, lanes: u32) {
  if (row >= p.N) { return; }
  let n = p.V / W;
  let base = row * n;
  let t = targets[row];
  let counted = t >= 0 && u32(t) < p.V;
  // An ignored row gets g = 0 and a target no pack holds, so every gradient is exactly 0.
  let g = select(0.0, rowGrad[row], counted);
  let hot = select(p.V, u32(t), counted);
  let l = lse[row];
  for (var c = lane; c < n; c += lanes) {
    var x: V;
    if (IN_PLACE) { x = dlogits[base + c]; } else { x = logits[base + c]; }
    dlogits[base + c] = g * (exp(x - l) - onehot(c, hot));
  }
}
