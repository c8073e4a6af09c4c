//! Softmax over the last axis, with the maximum subtracted first for numerical safety.

use super::error::{EngineError, check_shape};
use super::fastmath;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

/// Softmax of one row in place: `row[j] = exp(scale·(row[j] - max)) / Σ`, over the first `len`
/// entries only; entries from `len` on are set to 0 (the causally masked ones). -∞ entries become 0.
#[inline]
pub fn softmax_row_in_place(row: &mut [f32], len: usize, scale: f32) {
    let (live, masked) = row.split_at_mut(len);
    masked.fill(0.0);
    let max = fastmath::max(live);
    let sum = fastmath::exp_shifted_sum(live, max, scale);
    fastmath::scale(live, 1.0 / sum);
}

/// Backward of softmax for one row: `dx[j] = y[j]·(dy[j] - Σ_k y[k]·dy[k])`, written over dy.
#[inline]
pub fn softmax_row_backward_in_place(y: &[f32], dy: &mut [f32]) {
    let dot = fastmath::dot(y, dy);
    fastmath::softmax_backward_tail(y, dy, dot, 1.0);
}

/// x: (n) -> (n) probabilities summing to 1
pub fn softmax(x: ArrayView1<f32>) -> Result<Array1<f32>, EngineError> {
    if x.is_empty() {
        return Err(EngineError::Invalid("softmax of an empty vector".into()));
    }
    let mut y = x.to_owned();
    let n = y.len();
    softmax_row_in_place(y.as_slice_mut().expect("owned is contiguous"), n, 1.0);
    Ok(y)
}

/// x: (rows, n) -> (rows, n), softmax of each row
pub fn softmax_rows_forward(x: ArrayView2<f32>) -> Result<Array2<f32>, EngineError> {
    if x.ncols() == 0 {
        return Err(EngineError::Invalid("softmax of empty rows".into()));
    }
    let mut y = x.as_standard_layout().into_owned();
    let n = y.ncols();
    for mut row in y.rows_mut() {
        softmax_row_in_place(row.as_slice_mut().expect("standard layout"), n, 1.0);
    }
    Ok(y)
}

/// y: (rows, n) softmax outputs, dy: (rows, n) -> dx (rows, n)
pub fn softmax_rows_backward(
    y: ArrayView2<f32>,
    dy: ArrayView2<f32>,
) -> Result<Array2<f32>, EngineError> {
    check_shape("softmax output gradient", y.shape(), dy.shape())?;
    let y = y.as_standard_layout();
    let mut dx = dy.as_standard_layout().into_owned();
    Zip::from(dx.rows_mut()).and(y.rows()).for_each(|mut d, y| {
        softmax_row_backward_in_place(
            y.as_slice().expect("standard"),
            d.as_slice_mut().expect("standard"),
        );
    });
    Ok(dx)
}
