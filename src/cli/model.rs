//! `llm-lab model eval`: run a safetensors checkpoint on inputs headless.
//!
//! The input file holds `input_ids` (I64 or I32, [B, T]) and optionally `target_ids` of the same
//! shape. The output file gets `logits` [B, T, vocab] and, with targets, the mean cross-entropy
//! `loss` (a scalar) and `grad.<parameter name>` for every parameter. Everything runs in eval
//! mode, so the numbers match PyTorch's `model.eval()` exactly as far as f32 allows.

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use ndarray::{Array2, ArrayD, Ix2, arr0};
use std::path::{Path, PathBuf};

use crate::engine::checkpoint::{self, TensorFile};
use crate::engine::model::{GptConfig, Mode};

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub command: ModelCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Evaluate a checkpoint: logits, and loss and gradients when targets are given.
    Eval {
        /// The model: a safetensors file of the book's GPTModel state_dict (PyTorch parameter
        /// names, linear weights stored (out, in)) with the model configuration as JSON, in the
        /// book's keys, under the metadata key `config`
        #[arg(long, value_name = "FILE")]
        checkpoint: PathBuf,
        /// The token ids: a safetensors file with `input_ids`, I64 or I32 of shape [B, T]
        /// (T at most the context length), and optionally `target_ids` of the same shape
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Where to write the results (a safetensors file, replaced if it exists): `logits`
        /// [B, T, vocab]; with targets also `loss` (the mean cross-entropy, a scalar) and
        /// `grad.<parameter name>` for every parameter
        #[arg(long, value_name = "OUT")]
        output: PathBuf,
    },
}

pub fn run(args: &ModelArgs) -> anyhow::Result<()> {
    match &args.command {
        ModelCommand::Eval {
            checkpoint,
            input,
            output,
        } => eval(checkpoint, input, output),
    }
}

/// Loads the checkpoint and the ids, evaluates, writes the results and prints a one-line summary.
fn eval(checkpoint_path: &Path, input_path: &Path, output_path: &Path) -> anyhow::Result<()> {
    let model = checkpoint::load(checkpoint_path)?;
    let config = model.config().clone();
    let input = TensorFile::read(input_path)?;

    let input_ids = read_ids(&input, "input_ids", &config)?.ok_or_else(|| {
        anyhow!(
            "{} has no `input_ids` tensor; save the token ids [batch, sequence] under that name",
            input_path.display()
        )
    })?;
    let target_ids = read_ids(&input, "target_ids", &config)?;
    if let Some(targets) = &target_ids
        && targets.dim() != input_ids.dim()
    {
        bail!(
            "`target_ids` in {} has shape {:?} but `input_ids` has shape {:?}; they must match",
            input_path.display(),
            targets.shape(),
            input_ids.shape()
        );
    }

    let mut results: Vec<(String, ArrayD<f32>)> = Vec::new();
    let summary = match &target_ids {
        Some(targets) => {
            let (loss, grads, pass) =
                model.loss_and_grads(input_ids.view(), targets.view(), Mode::Eval)?;
            results.push(("logits".to_string(), pass.logits().to_owned().into_dyn()));
            results.push(("loss".to_string(), arr0(loss).into_dyn()));
            let named = grads.named();
            let count = named.len();
            results.extend(
                named
                    .into_iter()
                    .map(|(name, g)| (format!("grad.{name}"), g)),
            );
            format!("loss {loss:.6}, {count} gradients")
        }
        None => {
            let pass = model.forward(input_ids.view(), Mode::Eval)?;
            results.push(("logits".to_string(), pass.logits().to_owned().into_dyn()));
            "no target_ids, so no loss or gradients".to_string()
        }
    };

    checkpoint::write_f32_tensors(output_path, &results, None)?;
    let (batch, seq) = input_ids.dim();
    println!(
        "wrote {}: logits [{batch}, {seq}, {}], {summary}",
        output_path.display(),
        config.vocab_size
    );
    Ok(())
}

/// Reads a [B, T] tensor of token ids and checks it against the model: ids in 0..vocab, at
/// least one row and one position, T at most the context length.
fn read_ids(
    file: &TensorFile,
    name: &str,
    config: &GptConfig,
) -> anyhow::Result<Option<Array2<usize>>> {
    let path = file.path().display();
    let Some(ids) = file.ids(name)? else {
        return Ok(None);
    };
    let shape = ids.shape().to_vec();
    let ids = ids.into_dimensionality::<Ix2>().map_err(|_| {
        anyhow!(
            "`{name}` in {path} has shape {shape:?}; it must have 2 dimensions [batch, sequence]"
        )
    })?;
    let (batch, seq) = ids.dim();
    if batch == 0 || seq == 0 {
        bail!("`{name}` in {path} is empty (shape [{batch}, {seq}]); give at least one token");
    }
    if seq > config.context_length {
        bail!(
            "`{name}` in {path} has {seq} positions but the model's context length is {}; shorten the sequences",
            config.context_length
        );
    }
    let vocab = config.vocab_size;
    if let Some(((row, pos), &id)) = ids
        .indexed_iter()
        .find(|&(_, &id)| id < 0 || id as u64 >= vocab as u64)
    {
        bail!(
            "`{name}` in {path} holds id {id} at row {row}, position {pos}; ids must be from 0 to {} (the model's vocabulary has {vocab} tokens)",
            vocab - 1
        );
    }
    // Every id was checked to be in 0..vocab above, so the conversion cannot fail.
    Ok(Some(ids.mapv(|id| usize::try_from(id).unwrap_or(0))))
}
