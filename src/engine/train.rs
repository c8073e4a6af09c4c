//! One training step: forward, loss, backward, optimiser update.

use super::error::EngineError;
use super::model::{Detail, Gpt, Mode};
use super::optim::Optimizer;
use ndarray::ArrayView2;

/// Runs one training step with dropout drawn from `seed` and returns the loss before the update.
pub fn train_step(
    model: &mut Gpt,
    optimizer: &mut dyn Optimizer,
    input_ids: ArrayView2<usize>,
    target_ids: ArrayView2<usize>,
    seed: u64,
) -> Result<f32, EngineError> {
    let (loss, grads, _) =
        model.loss_and_grads_detail(input_ids, target_ids, Mode::Train { seed }, Detail::Lean)?;
    optimizer.step(model, &grads)?;
    Ok(loss)
}
