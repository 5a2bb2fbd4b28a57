// Sequence log-probabilities: out[s] = Σ_t −losses[s·T + t] over the rows of sequence s whose
// target is in [0, V) (the response tokens), i.e. log π(response | prompt). One thread per sequence
// adds its rows in order, so the sum is bit-identical run to run.
// Bindings: @0 params, @1 losses (S·T), @2 targets (S·T) i32, @3 out (S)
// Dispatch: ceil(S / 64) workgroups of 64 in x.
struct Params { S: u32, T: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> losses: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let s = gid.x;
  if (s >= p.S) { return; }
  var sum = 0.0;
  for (var t = 0u; t < p.T; t++) {
    let i = s * p.T + t;
    let tgt = targets[i];
    if (tgt >= 0 && u32(tgt) < p.V) { sum -= losses[i]; }
  }
  out[s] = sum;
}
