// Row-kernel geometry "tree": TPR invocations per row (a power of two ≤ WG), WG / TPR rows per
// workgroup, and a fixed-order tree in workgroup memory per reduction. For GPUs without the
// 'subgroups' feature, and for very long rows (TPR = WG: a workgroup per row).
// Every reduction call site k has its own array: reusing one array for back-to-back reductions
// let a slow lane read a slot that a fast lane had already overwritten on Mesa llvmpipe
// (docs/WGSL-TRAPS.md). Each array is written once per invocation, so no slot is reused.
// Composition and the rowSum / rowMax contract: see reduce_rows_thread.wgsl.
// Dispatch: ceil(rows / (WG / TPR)) workgroups of WG, split 2-D.
const WG: u32 = 256u;
override TPR: u32 = 64u;

var<workgroup> red: array<array<f32, WG>, 2>;
var<private> localIndex: u32;

fn rowSum(k: u32, v: f32) -> f32 {
  let t = localIndex % TPR;
  red[k][localIndex] = v;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[k][localIndex] += red[k][localIndex + stride]; }
    workgroupBarrier();
  }
  return red[k][localIndex - t];
}

fn rowMax(k: u32, v: f32) -> f32 {
  let t = localIndex % TPR;
  red[k][localIndex] = v;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[k][localIndex] = max(red[k][localIndex], red[k][localIndex + stride]); }
    workgroupBarrier();
  }
  return red[k][localIndex - t];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  localIndex = lid;
  rowMain((wid.x + wid.y * nwg.x) * (WG / TPR) + lid / TPR, lid % TPR, TPR);
}
