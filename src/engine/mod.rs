//! The model engine: pure functions over ndarray, no terminal code.
pub mod checkpoint;
