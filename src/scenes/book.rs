//! The worked inputs of *Build a Large Language Model (from Scratch)*, so a reader with the book
//! open sees the same numbers. Facts only: the values are the book's, the code is ours.

use super::SceneError;
use ndarray::{Array1, Array2, array};

/// "Your journey starts with one step", one token per row of [`embeddings`].
pub const TOKENS: [&str; 6] = ["Your", "journey", "starts", "with", "one", "step"];

/// The names of the three embedding dimensions, one per column of [`embeddings`].
pub const DIMS: [&str; 3] = ["d1", "d2", "d3"];

/// The row of `token` in [`TOKENS`]; `param` names the lesson parameter that chose it, for the error.
pub fn token_index(param: &str, token: &str) -> Result<usize, SceneError> {
    TOKENS.iter().position(|t| *t == token).ok_or_else(|| {
        SceneError(format!(
            "`{param}` must be one of the tokens {}, not `{token}`",
            TOKENS.join(", ")
        ))
    })
}

/// The six tokens as 3-d embeddings, shape (6, 3).
pub fn embeddings() -> Array2<f32> {
    array![
        [0.43, 0.15, 0.89],
        [0.55, 0.87, 0.66],
        [0.57, 0.85, 0.64],
        [0.22, 0.58, 0.33],
        [0.77, 0.25, 0.10],
        [0.05, 0.80, 0.55],
    ]
}

/// The book's query weights, stored (d_in, d_out) = (3, 2) and used as `x @ W`.
pub fn w_query() -> Array2<f32> {
    array![[0.2961, 0.5166], [0.2517, 0.6886], [0.0740, 0.8665]]
}

/// The toy vocabulary of the book's next-token example, one word per logit.
pub const VOCAB: [&str; 9] = [
    "closer", "every", "effort", "forward", "inches", "moves", "pizza", "toward", "you",
];

/// The toy next-token logits over [`VOCAB`], shape (9,).
#[allow(clippy::approx_constant)] // 6.28 is the logit of "toward", not τ
pub fn toy_logits() -> Array1<f32> {
    array![4.51, 0.89, -1.90, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79]
}

/// Owned labels, for `Tensor::with_labels`.
pub fn labels(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}
