//! Embedding lookup: each id picks a row of a table (the same as a one-hot row times the table).

use super::error::{EngineError, check_shape};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, s};

/// ids: (B, T) ids < V, table: (V, C) -> (B, T, C)
pub fn embedding_forward(
    ids: ArrayView2<usize>,
    table: ArrayView2<f32>,
) -> Result<Array3<f32>, EngineError> {
    let (b, t) = ids.dim();
    let (v, c) = table.dim();
    if let Some(((row, pos), &id)) = ids.indexed_iter().find(|&(_, &id)| id >= v) {
        return Err(EngineError::TokenOutOfRange {
            id,
            row,
            pos,
            vocab: v,
        });
    }
    let mut out = Array3::zeros((b, t, c));
    for ((bi, ti), &id) in ids.indexed_iter() {
        out.slice_mut(s![bi, ti, ..]).assign(&table.row(id));
    }
    Ok(out)
}

/// ids: (B, T), dout: (B, T, C), vocab V -> dtable (V, C): each row sums the gradients of its ids,
/// added in (b, t) order
pub fn embedding_backward(
    ids: ArrayView2<usize>,
    dout: ArrayView3<f32>,
    vocab: usize,
) -> Result<Array2<f32>, EngineError> {
    let (b, t) = ids.dim();
    let c = dout.dim().2;
    check_shape("embedding output gradient", &[b, t, c], dout.shape())?;
    if let Some(((row, pos), &id)) = ids.indexed_iter().find(|&(_, &id)| id >= vocab) {
        return Err(EngineError::TokenOutOfRange {
            id,
            row,
            pos,
            vocab,
        });
    }
    let mut dtable = Array2::zeros((vocab, c));
    for ((bi, ti), &id) in ids.indexed_iter() {
        let mut dst = dtable.row_mut(id);
        dst += &dout.slice(s![bi, ti, ..]);
    }
    Ok(dtable)
}
