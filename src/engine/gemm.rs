//! Matrix multiplication on ndarray views of any strides, through `matrixmultiply::sgemm`.
//!
//! Transposes are free: pass `w.t()` and the strides say so. Large products are split by rows of
//! C across the current rayon pool at multiples of 64 rows, which keeps the kernel's tiling (and so
//! every result bit) the same whatever the thread count.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Rows per unit of parallel work are a multiple of this (a multiple of every kernel's tile height).
const ROW_ALIGN: usize = 64;
/// Row blocks per thread: more blocks than threads lets a thread that was descheduled (the
/// machine is shared) take fewer of them instead of holding everyone up.
const BLOCKS_PER_THREAD: usize = 4;
/// Below this many multiply-adds a product runs on one thread.
const PARALLEL_MIN_FLOPS: usize = 1 << 18;

/// Rows per parallel block: a multiple of `ROW_ALIGN`, about m / (threads · BLOCKS_PER_THREAD).
fn row_block(m: usize, threads: usize) -> usize {
    m.div_ceil(threads * BLOCKS_PER_THREAD)
        .div_ceil(ROW_ALIGN)
        .max(1)
        * ROW_ALIGN
}

/// c (m, n) = alpha · a (m, k) · b (k, n) + beta · c, on one thread.
///
/// Panics if the shapes disagree: callers inside the engine check shapes at their boundary.
pub fn gemm_serial(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    mut c: ArrayViewMut2<f32>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "gemm inner dimensions");
    assert_eq!(c.dim(), (m, n), "gemm output shape");
    if m == 0 || n == 0 {
        return;
    }
    let (rsa, csa) = (a.strides()[0], a.strides()[1]);
    let (rsb, csb) = (b.strides()[0], b.strides()[1]);
    let (rsc, csc) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the pointers come from live views whose dimensions and strides describe valid memory
    // for (m, k), (k, n) and (m, n); c is a unique mutable view, so it aliases neither a nor b.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            rsc,
            csc,
        );
    }
}

/// c (m, n) = alpha · a (m, k) · b (k, n) + beta · c, split by rows across the current rayon pool.
pub fn gemm(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    mut c: ArrayViewMut2<f32>,
) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    let threads = rayon::current_num_threads();
    if threads <= 1 || m < 2 * ROW_ALIGN || m * k * n < PARALLEL_MIN_FLOPS {
        return gemm_serial(alpha, a, b, beta, c);
    }
    let rows = row_block(m, threads);
    let parts: Vec<_> = a
        .axis_chunks_iter(Axis(0), rows)
        .zip(c.axis_chunks_iter_mut(Axis(0), rows))
        .collect();
    parts
        .into_par_iter()
        .for_each(|(a_rows, c_rows)| gemm_serial(alpha, a_rows, b, beta, c_rows));
}

/// c (m, n) = alpha · a (m, k) · b (k, n) into memory that need not be initialised.
fn gemm_serial_uninit(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    mut c: ArrayViewMut2<MaybeUninit<f32>>,
) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    assert_eq!(c.dim(), (m, n), "gemm output shape");
    if m == 0 || n == 0 {
        return;
    }
    let (rsc, csc) = (c.strides()[0], c.strides()[1]);
    // SAFETY: as in `gemm_serial`; with beta = 0 sgemm writes every element of c without reading
    // it (matrixmultiply documents that C need not be initialised then), and MaybeUninit<f32> has
    // the layout of f32.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            a.strides()[0],
            a.strides()[1],
            b.as_ptr(),
            b.strides()[0],
            b.strides()[1],
            0.0,
            c.as_mut_ptr().cast::<f32>(),
            rsc,
            csc,
        );
    }
}

/// alpha · a (m, k) · b (k, n) -> a new (m, n) array, split by rows like `gemm`, without first
/// filling the result with zeros.
pub fn gemm_new(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "gemm inner dimensions");
    let mut c = Array2::<f32>::uninit((m, n));
    if k == 0 {
        c.fill(MaybeUninit::new(0.0));
    } else {
        let threads = rayon::current_num_threads();
        if threads <= 1 || m < 2 * ROW_ALIGN || m * k * n < PARALLEL_MIN_FLOPS {
            gemm_serial_uninit(alpha, a, b, c.view_mut());
        } else {
            let rows = row_block(m, threads);
            let parts: Vec<_> = a
                .axis_chunks_iter(Axis(0), rows)
                .zip(c.axis_chunks_iter_mut(Axis(0), rows))
                .collect();
            parts
                .into_par_iter()
                .for_each(|(a_rows, c_rows)| gemm_serial_uninit(alpha, a_rows, b, c_rows));
        }
    }
    // SAFETY: every element was written above (by sgemm with beta = 0, or by the fill).
    unsafe { c.assume_init() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn naive(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
        let (m, k) = a.dim();
        let n = b.dim().1;
        Array2::from_shape_fn((m, n), |(i, j)| (0..k).map(|p| a[[i, p]] * b[[p, j]]).sum())
    }

    #[test]
    fn matches_naive_with_transposed_views() {
        let a = Array2::from_shape_fn((5, 3), |(i, j)| (i * 3 + j) as f32 * 0.1 - 0.4);
        let bt = Array2::from_shape_fn((4, 3), |(i, j)| (i as f32 - j as f32) * 0.3);
        let mut c = Array2::zeros((5, 4));
        gemm(1.0, a.view(), bt.t(), 0.0, c.view_mut());
        let want = naive(&a, &bt.t().to_owned());
        for (x, y) in c.iter().zip(want.iter()) {
            assert!((x - y).abs() < 1e-5);
        }
    }

    #[test]
    fn gemm_new_matches_gemm() {
        let a = Array2::from_shape_fn((300, 7), |(i, j)| (i as f32 * 0.01 - j as f32 * 0.3).sin());
        let b = Array2::from_shape_fn((9, 7), |(i, j)| (i as f32 + j as f32 * 0.7).cos());
        let mut want = Array2::zeros((300, 9));
        gemm(2.0, a.view(), b.t(), 0.0, want.view_mut());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| gemm_new(2.0, a.view(), b.t())), want);
        assert_eq!(
            gemm_new(
                1.0,
                Array2::zeros((2, 0)).view(),
                Array2::zeros((0, 3)).view()
            ),
            Array2::<f32>::zeros((2, 3))
        );
    }

    #[test]
    fn row_split_gives_identical_bits() {
        let a = Array2::from_shape_fn((300, 70), |(i, j)| {
            ((i * 31 + j * 17) % 13) as f32 * 0.37 - 2.0
        });
        let b = Array2::from_shape_fn((70, 90), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f32 * 0.21 - 1.0
        });
        let mut one = Array2::ones((300, 90));
        gemm_serial(0.5, a.view(), b.view(), 1.0, one.view_mut());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let mut many = Array2::ones((300, 90));
        pool.install(|| gemm(0.5, a.view(), b.view(), 1.0, many.view_mut()));
        assert_eq!(one, many);
    }
}
