//! Parallel only when it pays: waking a pool thread costs microseconds, more than an element-wise
//! pass over a small tensor, so passes below `PARALLEL_MIN` elements stay on the calling thread.
//! Element-wise work gives the same bits either way.

/// Elements below which an element-wise pass runs on one thread.
pub const PARALLEL_MIN: usize = 1 << 17;

/// `zip.par_for_each(f)` for at least `PARALLEL_MIN` elements (`n`), else `zip.for_each(f)`.
macro_rules! zip_for_each {
    ($zip:expr, $n:expr, $f:expr) => {{
        let f = $f;
        if $n >= $crate::engine::par::PARALLEL_MIN {
            $zip.par_for_each(f)
        } else {
            $zip.for_each(f)
        }
    }};
}

/// `zip.par_map_collect(f)` for at least `PARALLEL_MIN` elements (`n`), else `zip.map_collect(f)`.
macro_rules! zip_map_collect {
    ($zip:expr, $n:expr, $f:expr) => {{
        let f = $f;
        if $n >= $crate::engine::par::PARALLEL_MIN {
            $zip.par_map_collect(f)
        } else {
            $zip.map_collect(f)
        }
    }};
}

pub(crate) use {zip_for_each, zip_map_collect};
