//! Causal masking: position t may only look at positions ≤ t, so scores above the diagonal are -∞.

use ndarray::{Array2, ArrayView2};

/// t -> (t, t) with 1 above the diagonal (the masked places) and 0 elsewhere, like the book's
/// `torch.triu(torch.ones(t, t), diagonal=1)`.
pub fn causal_mask(t: usize) -> Array2<f32> {
    Array2::from_shape_fn((t, t), |(i, j)| if j > i { 1.0 } else { 0.0 })
}

/// scores: (T, T) -> (T, T) with every entry above the diagonal replaced by -∞
pub fn causal_mask_forward(scores: ArrayView2<f32>) -> Array2<f32> {
    let mut out = scores.to_owned();
    for ((i, j), v) in out.indexed_iter_mut() {
        if j > i {
            *v = f32::NEG_INFINITY;
        }
    }
    out
}

/// dmasked: (T, T) -> dscores (T, T): masked places get no gradient
pub fn causal_mask_backward(dmasked: ArrayView2<f32>) -> Array2<f32> {
    let mut out = dmasked.to_owned();
    for ((i, j), v) in out.indexed_iter_mut() {
        if j > i {
            *v = 0.0;
        }
    }
    out
}
