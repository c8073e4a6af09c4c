//! `llm-lab lessons list` and `llm-lab lessons check DIR`: what lessons there are, and whether an
//! author's folder of lesson files is sound.

use crate::lessons::{self, LoadResult};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct LessonsArgs {
    #[command(subcommand)]
    pub command: LessonsCommand,
}

#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// One line per lesson: its id, its order, its title and its part (the built-in lessons, or
    /// those of --lessons DIR).
    List,
    /// Validate a folder of lesson files: every problem as file:line: message; exit code 1 if any.
    Check {
        /// The folder of lesson .md files.
        dir: PathBuf,
    },
}

pub fn run(args: &LessonsArgs, lessons_dir: Option<&Path>) -> anyhow::Result<()> {
    match &args.command {
        LessonsCommand::List => list(lessons_dir),
        LessonsCommand::Check { dir } => check(dir),
    }
}

/// The built-in lessons, or those of `dir` when given; a missing folder is a one-line error.
pub fn load_lessons(dir: Option<&Path>) -> anyhow::Result<Vec<LoadResult>> {
    match dir {
        None => Ok(lessons::load_builtin()),
        Some(dir) => lessons::load_dir(dir).map_err(|e| anyhow::anyhow!("{e}")),
    }
}

fn list(dir: Option<&Path>) -> anyhow::Result<()> {
    let mut broken = 0;
    let results = load_lessons(dir)?;
    let id_width = results
        .iter()
        .flatten()
        .map(|l| l.meta.id.chars().count())
        .max()
        .unwrap_or(0);
    for result in results {
        match result {
            Ok(lesson) => {
                let m = &lesson.meta;
                println!(
                    "{:<id_width$} {:>3}  {}  ({})",
                    m.id, m.order, m.title, m.part
                );
            }
            Err(errors) => {
                broken += 1;
                for e in errors {
                    eprintln!("{e}");
                }
            }
        }
    }
    if broken > 0 {
        anyhow::bail!("{broken} lesson file(s) could not be loaded; the problems are listed above");
    }
    Ok(())
}

fn check(dir: &Path) -> anyhow::Result<()> {
    let results = lessons::load_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let files = results.len();
    let mut problems = 0;
    let mut broken = 0;
    for result in &results {
        if let Err(errors) = result {
            broken += 1;
            problems += errors.len();
            for e in errors {
                println!("{e}");
            }
        }
    }
    if files == 0 {
        anyhow::bail!(
            "{}: no lesson files (*.md other than README.md) in this folder",
            dir.display()
        );
    }
    if problems > 0 {
        anyhow::bail!("{problems} problem(s) in {broken} of {files} lesson file(s)");
    }
    println!("{}: {files} lesson file(s), no problems", dir.display());
    Ok(())
}
