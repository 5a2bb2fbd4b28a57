// Row-kernel geometry "subgroup": one subgroup (warp / wavefront) per row; lanes stride over the
// row, so each load instruction of a subgroup reads consecutive addresses, and subgroupAdd /
// subgroupMax reduce without workgroup memory or barriers. Needs the 'subgroups' feature.
// Subgroups are taken to be runs of consecutive local_invocation_index (true of the 1-D
// workgroups of every implementation we know); the subgroup size may be anything from 4 to 128:
// RPW rows per workgroup are shared out over however many subgroups the workgroup has.
// Composition and the rowSum / rowMax contract: see reduce_rows_thread.wgsl.
// Dispatch: ceil(rows / RPW) workgroups of WG, split 2-D; the host sets RPW = WG / (smallest
// subgroup size of the adapter), so no subgroup is left without a row.
enable subgroups;
// The row loop below is subgroup-uniform (all lanes of a subgroup share lid / lanes), which the
// uniformity analysis cannot prove from local_invocation_index.
diagnostic(off, subgroup_uniformity);

const WG: u32 = 64u;
override RPW: u32 = 16u;

fn rowSum(k: u32, v: f32) -> f32 { return subgroupAdd(v); }
fn rowMax(k: u32, v: f32) -> f32 { return subgroupMax(v); }

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_size) sgSize: u32) {
  let lanes = min(sgSize, WG);
  let first = (wid.x + wid.y * nwg.x) * RPW;
  for (var r = lid / lanes; r < RPW; r += WG / lanes) {
    rowMain(first + r, lid % lanes, lanes);
  }
}
