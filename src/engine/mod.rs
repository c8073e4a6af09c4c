//! The model engine: pure functions over ndarray, no terminal code.
//!
//! Each op is a forward/backward pair with its shapes in the doc comment; the GPT (`model`) strings
//! them together and keeps every intermediate reachable by path.

pub mod alloc;
pub mod attention;
pub mod block;
pub mod checkpoint;
pub mod cross_entropy;
pub mod dropout;
pub mod embedding;
pub mod error;
pub mod fastmath;
pub mod feed_forward;
pub mod gelu;
pub mod gemm;
pub mod layer_norm;
pub mod linear;
pub mod mask;
pub mod model;
pub mod optim;
mod par;
pub mod pca;
pub mod presets;
pub mod rng;
pub mod softmax;
pub mod train;

pub use error::EngineError;
pub use model::{Detail, ForwardPass, Gpt, GptConfig, GptParams, Gradients, Mode};
pub use optim::{AdamW, Optimizer, Sgd};
pub use train::train_step;
