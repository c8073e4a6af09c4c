//! Cross-entropy of logits against target ids, averaged over every position, fused with softmax.

use super::error::{EngineError, check_shape};
use super::fastmath;
use ndarray::{Array2, ArrayView1, ArrayView2, Zip};

/// Softmax of one row of logits in place, returning -log p[target].
#[inline]
fn softmax_nll_row(row: &mut [f32], target: usize) -> f32 {
    let max = fastmath::max(row);
    let target_logit = row[target];
    let sum = fastmath::exp_shifted_sum(row, max, 1.0);
    fastmath::scale(row, 1.0 / sum);
    sum.ln() - (target_logit - max)
}

fn check_targets(n: usize, vocab: usize, targets: ArrayView1<usize>) -> Result<(), EngineError> {
    check_shape("target ids", &[n], targets.shape())?;
    if let Some((i, &t)) = targets.iter().enumerate().find(|&(_, &t)| t >= vocab) {
        return Err(EngineError::Invalid(format!(
            "target id {t} at position {i} is outside the vocabulary of {vocab} tokens"
        )));
    }
    if n == 0 {
        return Err(EngineError::Invalid(
            "cross-entropy of zero positions".into(),
        ));
    }
    Ok(())
}

/// logits: (N, V), targets: (N) ids < V -> (mean loss, probs (N, V))
pub fn cross_entropy_forward(
    logits: ArrayView2<f32>,
    targets: ArrayView1<usize>,
) -> Result<(f32, Array2<f32>), EngineError> {
    let (n, v) = logits.dim();
    check_targets(n, v, targets)?;
    let mut probs = logits.as_standard_layout().into_owned();
    let loss = softmax_nll_rows(&mut probs, targets);
    Ok((loss, probs))
}

/// Turns each row of logits (N, V) into probabilities in place; returns the mean negative
/// log-likelihood of the targets (N). Per-row losses are summed in row order.
pub fn softmax_nll_rows(logits: &mut Array2<f32>, targets: ArrayView1<usize>) -> f32 {
    let mut losses = vec![0.0f32; logits.nrows()];
    Zip::from(logits.rows_mut())
        .and(&targets)
        .and(ndarray::ArrayViewMut1::from(&mut losses[..]))
        .par_for_each(|mut row, &t, loss| {
            *loss = softmax_nll_row(row.as_slice_mut().expect("standard layout"), t);
        });
    losses.iter().sum::<f32>() / losses.len() as f32
}

/// probs: (N, V), targets: (N) -> dlogits (N, V) = (probs - onehot(targets)) / N
pub fn cross_entropy_backward(
    probs: ArrayView2<f32>,
    targets: ArrayView1<usize>,
) -> Result<Array2<f32>, EngineError> {
    let (n, v) = probs.dim();
    check_targets(n, v, targets)?;
    let mut d = probs.as_standard_layout().into_owned();
    probs_to_dlogits(&mut d, targets);
    Ok(d)
}

/// Turns probabilities (N, V) into the gradient of the mean loss in place.
pub fn probs_to_dlogits(probs: &mut Array2<f32>, targets: ArrayView1<usize>) {
    let inv_n = 1.0 / probs.nrows() as f32;
    Zip::from(probs.rows_mut())
        .and(&targets)
        .par_for_each(|mut row, &t| {
            row[t] -= 1.0;
            row.mapv_inplace(|p| p * inv_n);
        });
}
