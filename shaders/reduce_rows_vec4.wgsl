// Row-kernel width prelude: rows are read as vec4 "packs" (row length a multiple of 4).
// One 16-byte load per lane per step: 4x fewer loads and loop trips than scalars, which is most of
// the cost on CPU adapters, and full 128-bit coalesced loads on GPUs.
// See reduce_rows_thread.wgsl for how a row kernel is composed.
alias V = vec4f;
const W: u32 = 4u;

fn hsum(v: V) -> f32 { return (v.x + v.y) + (v.z + v.w); }
fn hmax(v: V) -> f32 { return max(max(v.x, v.y), max(v.z, v.w)); }
// Element i (< 4) of a pack.
fn elem(v: V, i: u32) -> f32 { return v[i]; }
// 1 where the element index of pack c equals t, else 0.
fn onehot(c: u32, t: u32) -> V { return select(V(0.0), V(1.0), vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) == vec4u(t)); }
