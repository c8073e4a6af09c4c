//! llm-lab: a terminal learning lab for how large language models work.
//!
//! The crate is a library plus the `llm-lab` binary so that tests can drive every layer:
//! `engine` (the model, no terminal code), `text` (corpus, tokenizers, batches), `lessons` (the
//! lesson file format), `scenes` (live computations behind lessons), `app` (state and keys, never
//! draws), `ui` (drawing, never mutates) and `cli` (the command-line front door).

pub mod app;
pub mod cli;
pub mod engine;
pub mod lessons;
pub mod results;
pub mod scenes;
pub mod text;
pub mod ui;
