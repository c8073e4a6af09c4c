//! `llm-lab bench`: the engine's training and inference speed on the yardstick's presets.

use clap::Args;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Model size: the same presets as shared/bench/ref_gpt.py.
    #[arg(long, default_value = "tiny", value_parser = ["tiny", "small"])]
    pub preset: String,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: &BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("bench is not built yet")
}
