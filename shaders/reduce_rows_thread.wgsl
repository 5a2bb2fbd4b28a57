// Row-kernel geometry "thread": ONE invocation per row, no workgroup memory, no barriers.
// For CPU adapters (SwiftShader, llvmpipe), where an invocation is one SIMD lane, a workgroup
// barrier is a coroutine switch per lane group (about 1.5 ms per barrier in a 256-wide group on
// SwiftShader), and a lane looping over its own row is the cheapest reduction there is.
// A row kernel is composed as: geometry prelude (this file) + width prelude
// (reduce_rows_vec4.wgsl or reduce_rows_scalar.wgsl) + body (e.g. layernorm_forward.wgsl), which
// defines `fn rowMain(row, lane, lanes)` and reduces per-lane values with rowSum / rowMax.
// Geometry contract: rowSum(k, v) / rowMax(k, v) return the sum / max of v over the `lanes`
// invocations of this row (k: a distinct constant per call site); every invocation of the
// workgroup calls rowMain exactly once per row slot, rows past the end included.
// Dispatch: ceil(rows / WG) workgroups of WG, split 2-D; row = group · WG + local index.
const WG: u32 = 32u;

fn rowSum(k: u32, v: f32) -> f32 { return v; }
fn rowMax(k: u32, v: f32) -> f32 { return v; }

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  rowMain((wid.x + wid.y * nwg.x) * WG + lid, 0u, 1u);
}
