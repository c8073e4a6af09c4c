//! `llm-lab tokenizer train|encode|decode`.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct TokenizerArgs {
    #[command(subcommand)]
    pub command: TokenizerCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenizerCommand {
    /// Train a byte-pair tokenizer on a corpus.
    Train {},
    /// Split text into tokens and ids.
    Encode {},
    /// Turn ids back into text.
    Decode {},
}

pub fn run(_args: &TokenizerArgs, _seed: u64) -> anyhow::Result<()> {
    anyhow::bail!("tokenizer is not built yet")
}
