//! `llm-lab tokenizer train|encode|decode|info`.

use crate::text::corpus::Corpus;
use crate::text::tokenizer::{BpeTokenizer, CharTokenizer, Tokenizer, TokenizerError, visible};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct TokenizerArgs {
    #[command(subcommand)]
    pub command: TokenizerCommand,
    /// The global `--corpus FILE`, filled in by the CLI.
    #[arg(skip)]
    pub corpus: Option<PathBuf>,
    /// The global `--tokenizer FILE`, filled in by the CLI.
    #[arg(skip)]
    pub tokenizer: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TokenizerCommand {
    /// Train a byte-level BPE tokenizer on a corpus (the built-in one, or --corpus FILE).
    Train {
        /// Tokens in the vocabulary: 256 bytes + <|endoftext|> + one per learned merge (257–50257).
        #[arg(long, value_name = "N")]
        vocab_size: usize,
        /// Where to write the tokenizer.json.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Split text into tokens and ids (· marks a space, ↵ a newline, <C3> a byte of a character
    /// split between tokens).
    Encode {
        /// The text to split.
        #[arg(allow_hyphen_values = true)]
        text: String,
        /// Print JSON: {"tokens": [...], "ids": [...], ...}.
        #[arg(long)]
        json: bool,
        /// Use a character-level tokenizer built from the corpus instead of BPE.
        #[arg(long)]
        char: bool,
    },
    /// Turn ids back into text (ids separated by spaces or commas).
    Decode {
        #[arg(required = true, value_name = "IDS", allow_negative_numbers = true)]
        ids: Vec<String>,
        /// Use a character-level tokenizer built from the corpus instead of BPE.
        #[arg(long)]
        char: bool,
    },
    /// Show a tokenizer's vocabulary size, special token, first learned merges, and how it
    /// splits the corpus (tokens, characters per token, tokens per word).
    Info {
        /// How many merges to list, in the order they were learned.
        #[arg(long, value_name = "N", default_value_t = 20)]
        merges: usize,
    },
}

pub fn run(args: &TokenizerArgs, _seed: u64) -> anyhow::Result<()> {
    match &args.command {
        TokenizerCommand::Train { vocab_size, out } => train(args, *vocab_size, out),
        TokenizerCommand::Encode { text, json, char } => encode(&pick(args, *char)?, text, *json),
        TokenizerCommand::Decode { ids, char } => {
            let ids = parse_ids(ids)?;
            let tokenizer = pick(args, *char)?;
            check_range(&tokenizer, &ids)?;
            let ids: Vec<u32> = ids.iter().map(|&id| id as u32).collect();
            println!("{}", tokenizer.decode(&ids)?);
            Ok(())
        }
        TokenizerCommand::Info { merges } => {
            let corpus = Corpus::load(args.corpus.as_deref())?;
            info(&pick(args, false)?, &corpus, *merges)
        }
    }
}

/// The tokenizer a command works with: character-level over the corpus, or the BPE file.
fn pick(args: &TokenizerArgs, char_level: bool) -> anyhow::Result<Tokenizer> {
    // A flag that would be ignored is refused, so nobody mistakes the output for what they
    // asked for.
    if char_level && args.tokenizer.is_some() {
        anyhow::bail!(
            "--char builds a character tokenizer from the corpus and does not read --tokenizer; leave out one of the two"
        );
    }
    if !char_level
        && args.corpus.is_some()
        && !matches!(args.command, TokenizerCommand::Info { .. })
    {
        anyhow::bail!(
            "a BPE tokenizer is fixed once trained and does not read --corpus: add --char to split by the corpus's characters, or train one on it with `llm-lab tokenizer train --corpus FILE --vocab-size N --out FILE` and pass --tokenizer FILE"
        );
    }
    if char_level {
        let corpus = Corpus::load(args.corpus.as_deref())?;
        Ok(Tokenizer::Char(CharTokenizer::from_corpus(&corpus)))
    } else {
        Ok(Tokenizer::load(args.tokenizer.as_deref())?)
    }
}

fn train(args: &TokenizerArgs, vocab_size: usize, out: &std::path::Path) -> anyhow::Result<()> {
    // Refuse a bad size before reading a possibly large corpus.
    if !(crate::text::tokenizer::MIN_BPE_VOCAB..=crate::text::tokenizer::MAX_BPE_VOCAB)
        .contains(&vocab_size)
    {
        return Err(TokenizerError::VocabSize(vocab_size).into());
    }
    let corpus = Corpus::load(args.corpus.as_deref())?;
    let spinner = indicatif::ProgressBar::new_spinner()
        .with_message(format!("training BPE on {}", corpus.source()));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let started = Instant::now();
    let result = BpeTokenizer::train(&corpus, vocab_size);
    spinner.finish_and_clear();
    let tokenizer = result?;
    let seconds = started.elapsed().as_secs_f64();
    tokenizer.save(out)?;
    let got = tokenizer.vocab_size();
    println!(
        "trained on {} ({} documents, {} characters) in {seconds:.2} s: {got} tokens, {} merges; wrote {}",
        corpus.source(),
        corpus.document_count(),
        corpus.char_count(),
        Tokenizer::Bpe(tokenizer.clone()).merges().len(),
        out.display()
    );
    if got < vocab_size {
        println!(
            "note: the corpus ran out of pairs to merge, so the vocabulary has {got} tokens, not {vocab_size}"
        );
    }
    Ok(())
}

fn encode(tokenizer: &Tokenizer, text: &str, json: bool) -> anyhow::Result<()> {
    let encoded = tokenizer.encode(text)?;
    if json {
        let value = serde_json::json!({
            "tokenizer": tokenizer.describe(),
            "vocab_size": tokenizer.vocab_size(),
            "tokens": encoded.pieces,
            "ids": encoded.ids,
        });
        println!("{value}");
        return Ok(());
    }
    println!("{} tokens ({}):", encoded.ids.len(), tokenizer.describe());
    let cells: Vec<(String, String)> = encoded
        .pieces
        .iter()
        .zip(&encoded.ids)
        .map(|(piece, id)| (visible(piece), id.to_string()))
        .collect();
    for line in token_rows(&cells, 80) {
        println!("{line}");
    }
    Ok(())
}

/// Lays tokens out as pairs of lines, tokens above their ids, each column as wide as the
/// wider of the two, wrapped at `width` characters.
fn token_rows(cells: &[(String, String)], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let (mut top, mut bottom) = (String::new(), String::new());
    let mut used = 0;
    for (token, id) in cells {
        let w = token.chars().count().max(id.len());
        if used > 0 && used + 1 + w > width {
            lines.push(std::mem::take(&mut top).trim_end().to_string());
            lines.push(std::mem::take(&mut bottom).trim_end().to_string());
            used = 0;
        }
        if used > 0 {
            top.push(' ');
            bottom.push(' ');
            used += 1;
        }
        top.push_str(&format!("{token:<w$}"));
        bottom.push_str(&format!("{id:<w$}"));
        used += w;
    }
    if used > 0 {
        lines.push(top.trim_end().to_string());
        lines.push(bottom.trim_end().to_string());
    }
    lines
}

/// Ids from arguments such as `464 318`, `464,318` or `[464, 318]` (as `encode --json` prints).
fn parse_ids(args: &[String]) -> anyhow::Result<Vec<u64>> {
    let mut ids = Vec::new();
    for word in args
        .iter()
        .flat_map(|a| a.split(|c: char| c == ',' || c.is_whitespace()))
        .map(|w| w.trim_matches(|c| c == '[' || c == ']'))
        .filter(|w| !w.is_empty())
    {
        let id = word.parse::<u64>().map_err(|_| {
            anyhow::anyhow!("'{word}' is not a token id: give whole numbers, e.g. `llm-lab tokenizer decode 12 345`")
        })?;
        ids.push(id);
    }
    if ids.is_empty() {
        anyhow::bail!("no token ids given: e.g. `llm-lab tokenizer decode 12 345`");
    }
    Ok(ids)
}

fn check_range(tokenizer: &Tokenizer, ids: &[u64]) -> Result<(), TokenizerError> {
    let vocab_size = tokenizer.vocab_size();
    match ids.iter().find(|&&id| id >= vocab_size as u64) {
        Some(&id) => Err(TokenizerError::IdOutOfRange { id, vocab_size }),
        None => Ok(()),
    }
}

fn info(tokenizer: &Tokenizer, corpus: &Corpus, show: usize) -> anyhow::Result<()> {
    println!("{}", tokenizer.describe());
    let tokens = tokenizer.encode_corpus(corpus)?.len();
    let words: usize = corpus
        .documents()
        .map(|d| d.split_whitespace().count())
        .sum();
    println!(
        "{}: {tokens} tokens, {:.2} characters per token, {:.2} tokens per word",
        corpus.source(),
        corpus.char_count() as f64 / tokens as f64,
        tokens as f64 / words.max(1) as f64
    );
    match tokenizer.end_of_text() {
        Some(id) => println!("<|endoftext|> is id {id}"),
        None => println!("no <|endoftext|> token"),
    }
    let merges = tokenizer.merges();
    println!(
        "{} merges; the first {}:",
        merges.len(),
        show.min(merges.len())
    );
    for (rank, (a, b)) in merges.iter().take(show).enumerate() {
        println!(
            "{:>5}  {} + {} → {}",
            rank + 1,
            visible(a),
            visible(b),
            visible(&format!("{a}{b}"))
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_from_several_spellings() {
        let args = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_ids(&args(&["1", "2,3", "[4, 5]"])).unwrap(),
            [1, 2, 3, 4, 5]
        );
        assert!(parse_ids(&args(&["1", "x"])).is_err());
        assert!(parse_ids(&args(&["[]"])).is_err());
    }

    #[test]
    fn token_rows_align_and_wrap() {
        let cells: Vec<(String, String)> = [("Every", "10"), ("·effort", "7"), ("·you", "1234")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(
            token_rows(&cells, 80),
            ["Every ·effort ·you", "10    7       1234"]
        );
        assert_eq!(token_rows(&cells, 13).len(), 4);
    }
}
