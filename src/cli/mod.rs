//! The command-line interface. No subcommand opens the lab; subcommands do headless work.
//!
//! Each subcommand's arguments and `run` function live in a module of their own.

pub mod bench;
pub mod dump;
pub mod lessons;
pub mod model;
pub mod tokenizer;
pub mod tui;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// A terminal learning lab for how large language models work.
#[derive(Debug, Parser)]
#[command(name = "llm-lab", version, about)]
pub struct Cli {
    /// Open the lab at this lesson (an id from `llm-lab lessons list`).
    #[arg(long, value_name = "ID")]
    pub lesson: Option<String>,
    /// Load lessons from this folder instead of the built-in ones (reloads a lesson when its file changes).
    #[arg(
        long,
        value_name = "DIR",
        global = true,
        help_heading = "Shared options"
    )]
    pub lessons: Option<PathBuf>,
    /// Seed for every random thing; the same seed gives the same screen.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 42,
        global = true,
        help_heading = "Shared options"
    )]
    pub seed: u64,
    /// Forget the lessons done and the current lesson.
    #[arg(long)]
    pub reset_progress: bool,
    /// Colours: dark, light or high-contrast (the `c` key cycles them in the lab).
    #[arg(long, value_name = "NAME", default_value = "dark")]
    pub theme: String,
    /// Use this plain-text file (UTF-8, at most 50 MB) as the corpus instead of the built-in one.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Shared options"
    )]
    pub corpus: Option<PathBuf>,
    /// Use this tokenizer.json (e.g. from `llm-lab tokenizer train`, or GPT-2's) instead of the built-in one.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        help_heading = "Shared options"
    )]
    pub tokenizer: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a model checkpoint headless.
    Model(model::ModelArgs),
    /// Measure the engine's training and inference speed.
    Bench(bench::BenchArgs),
    /// Train, or encode and decode with, a tokenizer.
    Tokenizer(tokenizer::TokenizerArgs),
    /// Print every result of a lesson's scene as JSON.
    Dump(dump::DumpArgs),
    /// List the lessons, or check a folder of lesson files.
    Lessons(lessons::LessonsArgs),
}

/// Parses the command line and runs it; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Model(args)) => model::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Tokenizer(mut args)) => {
            args.corpus = cli.corpus;
            args.tokenizer = cli.tokenizer;
            tokenizer::run(&args, cli.seed)
        }
        Some(Command::Dump(mut args)) => {
            args.corpus = cli.corpus;
            args.tokenizer = cli.tokenizer;
            dump::run(&args, cli.seed, cli.lessons.as_deref())
        }
        Some(Command::Lessons(args)) => lessons::run(&args, cli.lessons.as_deref()),
        // Headless subcommands (model, bench, tokenizer, dump, lessons) go above; no subcommand
        // opens the lab.
        None => tui::run(tui::TuiOptions {
            lesson: cli.lesson,
            lessons_dir: cli.lessons,
            seed: cli.seed,
            reset_progress: cli.reset_progress,
            theme: cli.theme,
            corpus: cli.corpus,
            tokenizer: cli.tokenizer,
        }),
    }
}
