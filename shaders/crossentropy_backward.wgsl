// Fused softmax cross-entropy, backward: for each element of logits (N, V)
//   dlogits[t, v] = rowGrad[t] · (exp(logits[t, v] − lse[t]) − [v == targets[t]]),  0 for ignored rows
// rowGrad[t] = ∂L/∂losses[t] (1/count for a mean loss; PPO / DPO supply their own). Elementwise given
// the saved lse, so each thread reads its logit once and writes its gradient once: in-place
// (dlogits = logits) is safe. WebGPU forbids binding one buffer both read-only and writable, so
// IN_PLACE = true reads the logits from the dlogits binding and the caller fills the logits slot
// with any other read-only buffer (never read).
// Targets outside [0, V) (the convention is −1) are ignored.
// Bindings: @0 params, @1 logits (N, V) read, @2 targets (N) i32, @3 lse (N), @4 rowGrad (N),
//   @5 dlogits (N, V) read_write
// Dispatch: one thread per element: ceil(N·V / 256) workgroups of 256, split 2-D.
override IN_PLACE: bool = false;

struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> rowGrad: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= p.N * p.V) { return; }
  let row = i / p.V;
  let col = i - row * p.V;
  var x: f32;
  if (IN_PLACE) { x = dlogits[i]; } else { x = logits[i]; }
  let t = targets[row];
  var g = 0.0;
  if (t >= 0 && u32(t) < p.V) {
    let onehot = select(0.0, 1.0, col == u32(t));
    g = rowGrad[row] * (exp(x - lse[row]) - onehot);
  }
  dlogits[i] = g;
}
