//! The engine's errors: every bad configuration, shape or input becomes one of these, never a panic.

/// What went wrong, worded so a learner knows what to change.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A model configuration that cannot build a model.
    #[error("invalid model configuration: {0}")]
    Config(String),
    /// A token id at or above the vocabulary size.
    #[error(
        "token id {id} at batch row {row}, position {pos} is outside the vocabulary of {vocab} tokens; use ids below {vocab}"
    )]
    TokenOutOfRange {
        id: usize,
        row: usize,
        pos: usize,
        vocab: usize,
    },
    /// A sequence longer than the model's context.
    #[error(
        "a sequence of {len} tokens is longer than the context length {context}; shorten the input or raise context_length"
    )]
    SequenceTooLong { len: usize, context: usize },
    /// An input whose shape does not fit the operation.
    #[error("{what}: expected shape {expected:?}, got {got:?}")]
    Shape {
        what: String,
        expected: Vec<usize>,
        got: Vec<usize>,
    },
    /// A parameter name the model does not have.
    #[error("unknown parameter `{0}`; the model's parameters are listed by `named_parameters`")]
    UnknownParameter(String),
    /// A parameter value of the wrong shape.
    #[error(
        "parameter `{name}` has shape {expected:?} in this model but the value has shape {got:?}"
    )]
    ParameterShape {
        name: String,
        expected: Vec<usize>,
        got: Vec<usize>,
    },
    /// NaN or infinity where a finite number is required.
    #[error(
        "{what} holds a non-finite value ({value}) at flat index {index}; check the input for NaN or infinity"
    )]
    NonFinite {
        what: String,
        value: f32,
        index: usize,
    },
    /// Any other argument outside its allowed range.
    #[error("{0}")]
    Invalid(String),
}

/// Checks that `got` equals `expected`, naming `what` in the error.
pub fn check_shape(what: &str, expected: &[usize], got: &[usize]) -> Result<(), EngineError> {
    if expected == got {
        Ok(())
    } else {
        Err(EngineError::Shape {
            what: what.to_string(),
            expected: expected.to_vec(),
            got: got.to_vec(),
        })
    }
}

/// Checks that every value is finite, naming `what` and the first bad index.
pub fn check_finite(what: &str, values: impl IntoIterator<Item = f32>) -> Result<(), EngineError> {
    match values.into_iter().enumerate().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some((index, value)) => Err(EngineError::NonFinite {
            what: what.to_string(),
            value,
            index,
        }),
    }
}

/// Checks a dropout probability: 0 <= p < 1.
pub fn check_drop_rate(p: f32) -> Result<(), EngineError> {
    if (0.0..1.0).contains(&p) {
        Ok(())
    } else {
        Err(EngineError::Invalid(format!(
            "dropout rate {p} is outside [0, 1); use a value such as 0.1"
        )))
    }
}
