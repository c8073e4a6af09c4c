//! `llm-lab model eval`: run a safetensors checkpoint on inputs headless.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub command: ModelCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Evaluate a checkpoint: logits, and loss and gradients when targets are given.
    Eval {
        #[arg(long)]
        checkpoint: PathBuf,
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
    },
}

pub fn run(_args: &ModelArgs) -> anyhow::Result<()> {
    anyhow::bail!("model eval is not built yet")
}
