//! Scenes: the live computations behind lessons. A scene takes the lesson's parameter values and
//! a context (seed, the learner's corpus and tokenizer) and returns named results.
//!
//! Each scene lives in its own module and is listed in [`ALL`]; lesson files name it by
//! [`Scene::name`].

pub mod attention_matrix;
pub mod attention_one;
pub mod book;
pub mod embeddings;
pub mod inputs_targets;
pub mod ops;
pub mod params;
pub mod projections;
pub mod softmax;
pub mod tokenization;
pub mod vectors;

use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Tensor, Value};
use std::path::PathBuf;

/// What every scene may use besides its parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SceneContext {
    /// Seeds every random thing in the scene.
    pub seed: u64,
    /// The learner's own corpus (`--corpus`), if any; else the built-in one.
    pub corpus: Option<PathBuf>,
    /// The learner's own tokenizer.json (`--tokenizer`), if any; else the built-in one.
    pub tokenizer: Option<PathBuf>,
}

/// A scene's refusal of its inputs: one line that says what is wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SceneError(pub String);

/// A live computation.
pub trait Scene: Send + Sync {
    /// The name lesson files use in `scene = "..."`.
    fn name(&self) -> &'static str;
    /// Computes every result from the parameter values (already validated against the lesson's
    /// ranges; a missing value means the lesson did not declare it, which is an error).
    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError>;
}

/// Every scene, by name.
pub static ALL: &[&dyn Scene] = &[
    &vectors::Vectors,
    &projections::Projections,
    &softmax::Softmax,
    &tokenization::Tokenization,
    &inputs_targets::InputsTargets,
    &embeddings::Embeddings,
    &attention_one::AttentionOne,
    &attention_matrix::AttentionMatrix,
];

/// The scene a lesson names.
pub fn find(name: &str) -> Option<&'static dyn Scene> {
    ALL.iter().copied().find(|s| s.name() == name)
}

/// A number as written in a worked sum: up to 4 decimals, trailing zeros dropped (0.55, 1.4754).
pub fn num(v: f32) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A book input in a worked sum, as the book prints it: two decimals (0.55, 0.10). Computed
/// values next to it are written to 4 decimals.
pub fn input_num(v: f32) -> String {
    format!("{v:.2}")
}

/// A vector of book inputs as written in a worked sum, `[0.77, 0.25, 0.10]` (each entry as
/// [`input_num`] writes it).
pub fn written_row(v: ndarray::ArrayView1<f32>) -> String {
    let cells: Vec<String> = v.iter().map(|x| input_num(*x)).collect();
    format!("[{}]", cells.join(", "))
}

/// A computed vector to 4 decimals, `[0.4419, 0.6515, 0.5683]`.
pub fn row_4dp(v: ndarray::ArrayView1<f32>) -> String {
    let cells: Vec<String> = v.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", cells.join(", "))
}

/// An array as a tensor value with its axes named and every position along every axis labelled.
pub fn labelled<D: ndarray::Dimension>(
    a: &ndarray::Array<f32, D>,
    axes: &[&str],
    labels: &[&[String]],
) -> Value {
    let tensor = labels
        .iter()
        .enumerate()
        .fold(Tensor::from_array(a).with_axes(axes), |t, (axis, l)| {
            t.with_labels(axis, l.to_vec())
        });
    Value::Tensor(tensor)
}

/// Helpers shared by the scenes' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::results::{SceneOutput, Tensor, Value};

    /// The tensor a scene produced under `name`; panics with what was there instead.
    pub fn tensor<'a>(out: &'a SceneOutput, name: &str) -> &'a Tensor {
        match out.get(name) {
            Some(Value::Tensor(t)) => t,
            other => panic!("{name}: expected a tensor, got {other:?}"),
        }
    }
}
