// Row-kernel width prelude: rows are read one f32 at a time (any row length).
// See reduce_rows_vec4.wgsl for the vec4 version and reduce_rows_thread.wgsl for composition.
alias V = f32;
const W: u32 = 1u;

fn hsum(v: V) -> f32 { return v; }
fn hmax(v: V) -> f32 { return v; }
fn elem(v: V, i: u32) -> f32 { return v; }
fn onehot(c: u32, t: u32) -> V { return select(0.0, 1.0, c == t); }
