// Shared prelude of the one-workgroup RL loss kernels (rl_policy_loss, rl_value_loss): which rows
// are response tokens (target in [0, V)) and how many there are, counted in a fixed-order tree.
// Prepended to the kernel body at pipeline creation (src/kernels/rl-ppo.ts); the body declares
// `p` (with fields N and V) and `targets`.
const WG = 64u;
var<workgroup> counts: array<u32, WG>;

fn counted(r: u32) -> bool {
  let t = targets[r];
  return t >= 0 && u32(t) < p.V;
}

/** Number of response tokens among rows 0..N-1; every invocation of the workgroup must call it. */
fn responseTokens(lid: u32) -> u32 {
  var c = 0u;
  for (var r = lid; r < p.N; r += WG) { if (counted(r)) { c++; } }
  counts[lid] = c;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) { counts[lid] += counts[lid + k]; }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&counts[0]);
}
