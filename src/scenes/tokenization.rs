//! Lesson 5, tokenization: a byte-pair encoding trained live on the corpus (the built-in one, or
//! the learner's `--corpus`) at a chosen vocabulary size, the merges it learned in order, and the
//! learner's text split by it, beside character-level and word-level splits of the same text.
//!
//! Training takes a fraction of a second on the built-in corpus; the trained tokenizer is kept
//! per (corpus, vocabulary size), so typing in the text box only encodes.

use super::{Scene, SceneContext, SceneError, params};
use crate::lessons::{ParamValue, ParamValues};
use crate::results::{SceneOutput, Tensor, Value};
use crate::text::corpus::Corpus;
use crate::text::tokenizer::{
    BpeTokenizer, CharTokenizer, Encoded, MIN_BPE_VOCAB, Tokenizer, UNKNOWN, visible,
};
use crate::text::words::WordTokenizer;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct Tokenization;

/// What the scene keeps about one corpus: the text and the two simple tokenizers built from it.
pub struct CorpusTools {
    pub corpus: Corpus,
    pub chars: CharTokenizer,
    pub words: WordTokenizer,
}

/// A BPE trained on one corpus, with how many tokens the whole corpus takes.
pub struct TrainedBpe {
    pub tokenizer: Tokenizer,
    pub corpus_tokens: usize,
    /// The merges as the pane lists them (kept, so typing does not rebuild the list).
    pub merges_text: String,
    pub merge_count: usize,
    /// Bytes of the corpus it was trained on (at most [`LIVE_TRAIN_BYTES`]) and of the whole.
    pub trained_bytes: usize,
    pub corpus_bytes: usize,
    /// Whitespace-separated words in the part trained on, for tokens per word.
    pub trained_words: usize,
}

type BpeKey = (Option<PathBuf>, usize);

/// The most of a corpus the lesson trains on live: 2 MB trains in about a second, so changing
/// the vocabulary size stays interactive even with a learner's 50 MB file.
pub const LIVE_TRAIN_BYTES: usize = 2_000_000;

#[derive(Default)]
struct Cache {
    corpora: HashMap<Option<PathBuf>, Arc<CorpusTools>>,
    bpe: HashMap<BpeKey, Arc<TrainedBpe>>,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn with_cache<T>(f: impl FnOnce(&mut Cache) -> T) -> T {
    // A panic elsewhere while holding the lock leaves a cache that is still consistent.
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(Cache::default))
}

/// The corpus at `path` (built-in when none) with its tokenizers, loaded once.
pub fn corpus_tools(path: &Option<PathBuf>) -> Result<Arc<CorpusTools>, SceneError> {
    if let Some(tools) = with_cache(|c| c.corpora.get(path).cloned()) {
        return Ok(tools);
    }
    let corpus = Corpus::load(path.as_deref())
        .map_err(|e| SceneError(e.to_string()))?
        .into_owned();
    let tools = Arc::new(CorpusTools {
        chars: CharTokenizer::from_corpus(&corpus),
        words: WordTokenizer::from_corpus(&corpus),
        corpus,
    });
    with_cache(|c| c.corpora.insert(path.clone(), tools.clone()));
    Ok(tools)
}

/// A BPE of `vocab_size` tokens trained on the corpus at `path`, trained once.
pub fn trained_bpe(
    path: &Option<PathBuf>,
    vocab_size: usize,
) -> Result<Arc<TrainedBpe>, SceneError> {
    let key = (path.clone(), vocab_size);
    if let Some(bpe) = with_cache(|c| c.bpe.get(&key).cloned()) {
        return Ok(bpe);
    }
    let tools = corpus_tools(path)?;
    let scene_error = |e: crate::text::tokenizer::TokenizerError| SceneError(e.to_string());
    let sample = tools.corpus.head(LIVE_TRAIN_BYTES);
    let tokenizer = Tokenizer::Bpe(BpeTokenizer::train(&sample, vocab_size).map_err(scene_error)?);
    let corpus_tokens = tokenizer.encode_corpus(&sample).map_err(scene_error)?.len();
    let merges = tokenizer.merges();
    let bpe = Arc::new(TrainedBpe {
        merges_text: merges_text(&merges),
        merge_count: merges.len(),
        trained_bytes: sample.byte_count(),
        corpus_bytes: tools.corpus.byte_count(),
        trained_words: sample
            .documents()
            .map(|d| d.split_whitespace().count())
            .sum(),
        tokenizer,
        corpus_tokens,
    });
    with_cache(|c| c.bpe.insert(key, bpe.clone()));
    Ok(bpe)
}

/// A 1-D tensor of ids labelled with their tokens' text: what the Tokens view draws.
pub fn tokens_tensor(encoded: &Encoded) -> Tensor {
    Tensor::new(
        vec![encoded.ids.len()],
        encoded.ids.iter().map(|&id| id as f32).collect(),
    )
    .with_axes(&["token"])
    .with_labels(0, encoded.pieces.clone())
}

/// The vocabulary size parameter: a choice such as "512", or a whole number.
fn vocab_param(params: &ParamValues) -> Result<usize, SceneError> {
    let bad = |v: &dyn std::fmt::Display| {
        SceneError(format!(
            "`vocab_size` must be a whole number of at least {MIN_BPE_VOCAB}, not {v}"
        ))
    };
    match params.get("vocab_size") {
        Some(ParamValue::Int(v)) => usize::try_from(*v).map_err(|_| bad(v)),
        Some(ParamValue::Text(s)) => s.trim().parse().map_err(|_| bad(s)),
        _ => params::int(params, "vocab_size").map(|v| v as usize),
    }
}

impl Scene for Tokenization {
    fn name(&self) -> &'static str {
        "tokenization"
    }

    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError> {
        let vocab_size = vocab_param(params)?;
        let text = params::text(params, "text")?;
        let tools = corpus_tools(&ctx.corpus)?;
        let bpe = trained_bpe(&ctx.corpus, vocab_size)?;
        let tokenizer = &bpe.tokenizer;

        let encoded = tokenizer
            .encode(text)
            .map_err(|e| SceneError(e.to_string()))?;
        // How many bytes of the text each BPE token covers (a token may hold part of a character).
        let token_lens = encoded
            .ids
            .iter()
            .map(|&id| tokenizer.token_bytes(id).map(|b| b.len()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SceneError(e.to_string()))?;
        let chars = tools.chars.encode(text);
        let words = tools.words.encode(text);

        let mut out = SceneOutput::default();
        out.push("tokens", Value::Tensor(tokens_tensor(&encoded)));
        out.push("merges", Value::Text(bpe.merges_text.clone()));
        out.push(
            "stats",
            Value::Text(stats_text(text, &encoded, &bpe, bpe.merge_count)),
        );
        out.push("char_tokens", Value::Tensor(tokens_tensor(&chars)));
        out.push("word_tokens", Value::Tensor(tokens_tensor(&words)));
        out.push(
            "token_counts",
            Value::Tensor(
                Tensor::new(
                    vec![3],
                    vec![
                        chars.ids.len() as f32,
                        words.ids.len() as f32,
                        encoded.ids.len() as f32,
                    ],
                )
                .with_axes(&["tokenizer"])
                .with_labels(0, vec!["characters".into(), "words".into(), "BPE".into()]),
            ),
        );
        out.push(
            "comparison",
            Value::Text(comparison_text(
                text,
                &chars,
                &words,
                (&encoded, &token_lens),
                &tools,
                vocab_size,
            )),
        );
        Ok(out)
    }
}

/// "  1. h + e → he", one line per merge, first learned first.
fn merges_text(merges: &[(String, String)]) -> String {
    let digits = merges.len().max(1).to_string().len();
    let mut text = if merges.is_empty() {
        "no merges: every token is a single byte (or <|endoftext|>)\n".to_string()
    } else {
        format!(
            "{} merges, most frequent pair first (· is a space):\n",
            merges.len()
        )
    };
    for (rank, (a, b)) in merges.iter().enumerate() {
        text.push_str(&format!(
            "{:>digits$}. {} + {} → {}\n",
            rank + 1,
            visible(a),
            visible(b),
            visible(&format!("{a}{b}"))
        ));
    }
    text
}

fn stats_text(text: &str, encoded: &Encoded, bpe: &TrainedBpe, merges: usize) -> String {
    let vocab = bpe.tokenizer.vocab_size();
    let mut s = format!(
        "vocabulary: {vocab} tokens = 256 bytes + <|endoftext|> + {merges} merges\n\
         corpus: {} tokens, {:.2} tokens per word\n",
        bpe.corpus_tokens,
        bpe.corpus_tokens as f64 / bpe.trained_words.max(1) as f64
    );
    if bpe.trained_bytes < bpe.corpus_bytes {
        s.push_str(&format!(
            "(trained and counted on the first {:.1} MB of the corpus's {:.1} MB, to stay quick)\n",
            bpe.trained_bytes as f64 / 1e6,
            bpe.corpus_bytes as f64 / 1e6
        ));
    }
    let word_count = text.split_whitespace().count();
    if word_count == 0 {
        s.push_str("your text: empty — type something to see it split");
        return s;
    }
    s.push_str(&format!(
        "your text: {} characters, {word_count} words → {} tokens, {:.2} tokens per word\n",
        text.chars().count(),
        encoded.ids.len(),
        encoded.ids.len() as f64 / word_count as f64
    ));
    // The BPE's ids after the bytes and <|endoftext|> are its merges, in the order learned.
    let mut used: Vec<(usize, &str)> = encoded
        .ids
        .iter()
        .zip(&encoded.pieces)
        .filter(|(id, _)| **id as usize >= MIN_BPE_VOCAB)
        .map(|(id, piece)| (*id as usize - MIN_BPE_VOCAB + 1, piece.as_str()))
        .collect();
    used.sort();
    used.dedup();
    if !used.is_empty() {
        let shown: Vec<String> = used
            .iter()
            .take(12)
            .map(|(rank, piece)| format!("#{rank} {}", visible(piece)))
            .collect();
        let more = used.len().saturating_sub(12);
        s.push_str(&format!(
            "merged tokens in it, by merge number: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    s
}

fn comparison_text(
    text: &str,
    chars: &Encoded,
    words: &Encoded,
    (bpe, token_lens): (&Encoded, &[usize]),
    tools: &CorpusTools,
    vocab_size: usize,
) -> String {
    let unknown_chars = chars.pieces.iter().filter(|p| *p == UNKNOWN).count();
    let unknown_words = tools.words.unknown_words(text);
    let mut s = format!(
        "{:<12}{:>7}{:>12}{:>9}\n",
        "split", "tokens", "vocabulary", "unknown"
    );
    let row = |name: &str, tokens: usize, vocab: usize, unknown: usize| {
        format!("{name:<12}{tokens:>7}{vocab:>12}{unknown:>9}\n")
    };
    s.push_str(&row(
        &format!("BPE {vocab_size}"),
        bpe.ids.len(),
        vocab_size,
        0,
    ));
    s.push_str(&row(
        "words",
        words.ids.len(),
        tools.words.vocab_size(),
        unknown_words.len(),
    ));
    s.push_str(&row(
        "characters",
        chars.ids.len(),
        tools.chars.vocab_size(),
        unknown_chars,
    ));
    if !unknown_words.is_empty() {
        let listed: Vec<String> = unknown_words
            .iter()
            .take(6)
            .map(|w| format!("\"{w}\""))
            .collect();
        s.push_str(&format!(
            "\nThe word vocabulary has never seen {}: each becomes {UNKNOWN} and its meaning is lost.",
            listed.join(", ")
        ));
        let pieces: Vec<String> = unknown_words
            .iter()
            .take(3)
            .filter_map(|w| {
                let split = bpe_split_of(w, text, bpe, token_lens);
                split.map(|p| format!("{w} → {p}"))
            })
            .collect();
        if !pieces.is_empty() {
            s.push_str(&format!(
                " BPE splits them into known pieces: {}.",
                pieces.join("; ")
            ));
        }
    }
    s
}

/// How the BPE split a word of the text: the pieces that cover its first occurrence.
/// `token_lens` are the bytes of `text` each token covers, in order.
fn bpe_split_of(word: &str, text: &str, bpe: &Encoded, token_lens: &[usize]) -> Option<String> {
    if token_lens.iter().sum::<usize>() != text.len() {
        return None;
    }
    let start = text.find(word)?;
    let end = start + word.len();
    let mut at = 0;
    let mut pieces = Vec::new();
    for (piece, len) in bpe.pieces.iter().zip(token_lens) {
        let (from, to) = (at, at + len);
        if to > start && from < end {
            pieces.push(visible(piece));
        }
        at = to;
    }
    Some(pieces.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::testing::tensor;

    fn params(vocab: &str, text: &str) -> ParamValues {
        let mut p = ParamValues::new();
        p.insert("vocab_size".into(), ParamValue::Text(vocab.into()));
        p.insert("text".into(), ParamValue::Text(text.into()));
        p
    }

    #[test]
    fn the_text_is_split_into_tokens_that_join_back_into_it() {
        let text = "Pip the fox found a xylophone.";
        let out = Tokenization
            .compute(&params("512", text), &SceneContext::default())
            .unwrap();
        let tokens = tensor(&out, "tokens");
        let pieces = tokens.labels[0].as_ref().unwrap();
        assert_eq!(pieces.concat(), text);
        assert!(tokens.data.iter().all(|&id| id < 512.0));
        let chars = tensor(&out, "char_tokens");
        assert_eq!(chars.shape, [text.chars().count()]);
        // Word level: "xylophone" is not in the corpus, so it is unknown.
        let words = tensor(&out, "word_tokens");
        assert!(
            words.labels[0]
                .as_ref()
                .unwrap()
                .contains(&UNKNOWN.to_string())
        );
        let Some(Value::Text(comparison)) = out.get("comparison") else {
            panic!()
        };
        assert!(comparison.contains("\"xylophone\""), "{comparison}");
    }

    #[test]
    fn split_characters_show_their_bytes_and_the_comparison_finds_their_words() {
        let out = Tokenization
            .compute(&params("512", "naïve 東"), &SceneContext::default())
            .unwrap();
        let pieces = tensor(&out, "tokens").labels[0].clone().unwrap();
        assert_eq!(
            pieces,
            ["n", "a", "<C3>", "<AF>", "ve", " ", "<E6>", "<9D>", "<B1>"]
        );
        let Some(Value::Text(comparison)) = out.get("comparison") else {
            panic!()
        };
        assert!(
            comparison.contains("naïve → n|a|<C3>|<AF>|ve; 東 → <E6>|<9D>|<B1>."),
            "{comparison}"
        );
    }

    #[test]
    fn a_bigger_vocabulary_gives_fewer_tokens_and_more_merges() {
        let text = "One morning, the old baker walked to the market with Grandma Rose.";
        let count = |vocab: &str| {
            let out = Tokenization
                .compute(&params(vocab, text), &SceneContext::default())
                .unwrap();
            let Some(Value::Text(merges)) = out.get("merges") else {
                panic!()
            };
            (tensor(&out, "tokens").shape[0], merges.lines().count())
        };
        let (small_tokens, small_merges) = count("257");
        let (big_tokens, big_merges) = count("1024");
        // No merges at all: one token per byte.
        assert_eq!(small_tokens, text.len());
        assert_eq!(small_merges, 1);
        assert!(big_tokens < small_tokens / 2);
        assert_eq!(big_merges, 1 + 1024 - 257);
    }

    #[test]
    fn bad_parameters_and_corpora_are_one_line_errors() {
        let ctx = SceneContext::default();
        let err = Tokenization.compute(&params("12", "hi"), &ctx).unwrap_err();
        assert!(err.0.contains("vocab size 12"), "{err}");
        let err = Tokenization
            .compute(&params("many", "hi"), &ctx)
            .unwrap_err();
        assert!(err.0.contains("vocab_size"), "{err}");
        let ctx = SceneContext {
            corpus: Some("/no/such/corpus.txt".into()),
            ..SceneContext::default()
        };
        let err = Tokenization
            .compute(&params("512", "hi"), &ctx)
            .unwrap_err();
        assert!(err.0.contains("does not exist"), "{err}");
    }
}
