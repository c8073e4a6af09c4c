//! Tokenizers: text → tokens → ids, and back.
//!
//! Two kinds behind one enum, [`Tokenizer`]:
//! - [`CharTokenizer`], written here: one id per character seen in a corpus, plus `<|endoftext|>`
//!   and `<|unk|>` for characters it never saw.
//! - [`BpeTokenizer`], byte-pair encoding through the `tokenizers` crate: a byte-level BPE (the
//!   GPT-2 scheme) trained on a corpus, or any tokenizer.json loaded from a file.
//!
//! Large texts are encoded in chunks cut only where the byte-level pre-tokenizer would cut
//! anyway (see [`chunks`]), so a 50 MB corpus never becomes one giant `Encoding`.

use super::byte_level;
use super::corpus::{Corpus, END_OF_TEXT};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::TrainerWrapper;
use tokenizers::models::bpe::{BPE, BpeTrainerBuilder};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::{AddedToken, ModelWrapper};

/// The lab's default tokenizer: byte-level BPE with 512 tokens, trained on the built-in corpus
/// by `llm-lab tokenizer train --vocab-size 512 --out assets/tokenizer.json`.
pub const BUILTIN_TOKENIZER_JSON: &str = include_str!("../../assets/tokenizer.json");

/// The vocabulary size of the built-in tokenizer: 256 bytes + `<|endoftext|>` + 255 merges.
///
/// Why 512: the lab's model has about 200k parameters, and its token embedding and output head
/// cost 2 × vocab × emb_dim of them (65k at 512 × 64, a third of the budget; 1024 would take
/// two thirds). On the built-in corpus 512 tokens already make the common words ("the", "and",
/// "said", "The") single tokens, at 2.2 tokens per word and 107k tokens in all, so each token is
/// seen about 200 times on average; 1024 would halve that for 1.7 tokens per word.
pub const DEFAULT_VOCAB_SIZE: usize = 512;

/// The smallest byte-level BPE vocabulary: all 256 bytes plus `<|endoftext|>`.
pub const MIN_BPE_VOCAB: usize = 257;

/// The largest vocabulary `train` accepts: GPT-2's. Nothing the lab trains needs more.
pub const MAX_BPE_VOCAB: usize = 50_257;

/// The token for characters a [`CharTokenizer`] never saw.
pub const UNKNOWN: &str = "<|unk|>";

/// The bytes per chunk when encoding or training on long documents.
const CHUNK_BYTES: usize = 1 << 16;

/// Why a tokenizer cannot do what was asked. Each message is one line that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error(
        "vocab size {0} is out of range: byte-level BPE needs at least {MIN_BPE_VOCAB} (256 bytes + {END_OF_TEXT}) and at most {MAX_BPE_VOCAB}"
    )]
    VocabSize(usize),
    #[error(
        "tokenizer file {0} does not exist: check the path, or leave out --tokenizer to use the built-in one"
    )]
    Missing(PathBuf),
    #[error("cannot read tokenizer file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error(
        "{origin} is not a valid tokenizer.json ({reason}): give a file saved by the tokenizers library, e.g. by `llm-lab tokenizer train`"
    )]
    Invalid { origin: String, reason: String },
    #[error(
        "token id {id} is out of range: this tokenizer has {vocab_size} tokens, ids 0 to {}",
        vocab_size.saturating_sub(1)
    )]
    IdOutOfRange { id: u64, vocab_size: usize },
    #[error("the tokenizer failed on this text: {0}")]
    Encode(String),
    #[error("training the tokenizer failed: {0}")]
    Train(String),
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

/// Text split into tokens: the ids, and for each id the piece of text it stands for (spaces and
/// newlines kept as they are; see [`visible`] to show them). A byte-level token that holds only
/// part of a character has its loose bytes written in hex, e.g. `<C3>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub pieces: Vec<String>,
}

/// A character-level or a byte-pair tokenizer.
#[derive(Clone, Debug)]
pub enum Tokenizer {
    Char(CharTokenizer),
    Bpe(BpeTokenizer),
}

impl Tokenizer {
    /// The learner's tokenizer.json when given, else the built-in one.
    pub fn load(path: Option<&Path>) -> Result<Tokenizer, TokenizerError> {
        match path {
            Some(path) => BpeTokenizer::from_file(path).map(Tokenizer::Bpe),
            None => BpeTokenizer::builtin().map(Tokenizer::Bpe),
        }
    }

    /// Ids and pieces of `text`. An `<|endoftext|>` in the text becomes the special token.
    pub fn encode(&self, text: &str) -> Result<Encoded, TokenizerError> {
        match self {
            Tokenizer::Char(t) => Ok(t.encode(text)),
            Tokenizer::Bpe(t) => t.encode(text),
        }
    }

    /// Only the ids of `text` (faster than [`Tokenizer::encode`]).
    pub fn encode_ids(&self, text: &str) -> Result<Vec<u32>, TokenizerError> {
        match self {
            Tokenizer::Char(t) => Ok(t.encode_ids(text)),
            Tokenizer::Bpe(t) => t.encode_ids(text),
        }
    }

    /// Every document of the corpus, encoded, with the end-of-text token between documents.
    /// Pieces are encoded in parallel; the result is the same as encoding them in order.
    pub fn encode_corpus(&self, corpus: &Corpus) -> Result<Vec<u32>, TokenizerError> {
        use rayon::prelude::*;
        let separator = self.encode_ids(END_OF_TEXT)?;
        // None stands for the separator between two documents.
        let mut pieces: Vec<Option<&str>> = Vec::new();
        for (i, doc) in corpus.documents().enumerate() {
            if i > 0 {
                pieces.push(None);
            }
            pieces.extend(chunks(doc, CHUNK_BYTES).map(Some));
        }
        let encoded: Vec<Vec<u32>> = pieces
            .par_iter()
            .map(|piece| match piece {
                Some(text) => self.encode_ids(text),
                None => Ok(separator.clone()),
            })
            .collect::<Result<_, _>>()?;
        let mut ids = Vec::with_capacity(encoded.iter().map(Vec::len).sum());
        for part in encoded {
            ids.extend_from_slice(&part);
        }
        Ok(ids)
    }

    /// The text of a sequence of ids. Fails on an id outside the vocabulary.
    pub fn decode(&self, ids: &[u32]) -> Result<String, TokenizerError> {
        match self {
            Tokenizer::Char(t) => t.decode(ids),
            Tokenizer::Bpe(t) => t.decode(ids),
        }
    }

    /// The text one id stands for (for display).
    pub fn piece(&self, id: u32) -> Result<String, TokenizerError> {
        match self {
            Tokenizer::Char(t) => t.decode(&[id]),
            Tokenizer::Bpe(t) => t.piece(id),
        }
    }

    /// The bytes of the text one id stands for: a byte-level token may hold part of a
    /// character, so this is not always text.
    pub fn token_bytes(&self, id: u32) -> Result<Vec<u8>, TokenizerError> {
        match self {
            Tokenizer::Char(t) => t.decode(&[id]).map(String::into_bytes),
            Tokenizer::Bpe(t) => t.token_bytes(id),
        }
    }

    /// How many distinct ids there are, special tokens included.
    pub fn vocab_size(&self) -> usize {
        match self {
            Tokenizer::Char(t) => t.vocab_size(),
            Tokenizer::Bpe(t) => t.vocab_size(),
        }
    }

    /// The id of `<|endoftext|>`, if the tokenizer has one.
    pub fn end_of_text(&self) -> Option<u32> {
        match self {
            Tokenizer::Char(_) => Some(CharTokenizer::END_OF_TEXT_ID),
            Tokenizer::Bpe(t) => t.end_of_text(),
        }
    }

    /// The merges a BPE learned, in the order it learned them, as pieces of text; empty for
    /// a character-level tokenizer.
    pub fn merges(&self) -> Vec<(String, String)> {
        match self {
            Tokenizer::Char(_) => Vec::new(),
            Tokenizer::Bpe(t) => t.merges(),
        }
    }

    /// A short description, e.g. "BPE with 512 tokens, built-in".
    pub fn describe(&self) -> String {
        match self {
            Tokenizer::Char(t) => format!("character-level with {} tokens", t.vocab_size()),
            Tokenizer::Bpe(t) => format!("BPE with {} tokens, {}", t.vocab_size(), t.origin),
        }
    }
}

/// One id per character of a corpus. Ids: 0 is `<|endoftext|>`, 1 is `<|unk|>`, then the
/// characters in code-point order.
#[derive(Clone, Debug)]
pub struct CharTokenizer {
    chars: Vec<char>,
    ids: HashMap<char, u32>,
}

impl CharTokenizer {
    pub const END_OF_TEXT_ID: u32 = 0;
    pub const UNKNOWN_ID: u32 = 1;
    const FIRST_CHAR_ID: u32 = 2;

    /// The characters of every document of the corpus.
    pub fn from_corpus(corpus: &Corpus) -> CharTokenizer {
        // ASCII in a table (most text is ASCII), anything else in a set: fast on large corpora.
        let mut ascii = [false; 128];
        let mut other = std::collections::HashSet::new();
        for doc in corpus.documents() {
            for c in doc.chars() {
                if c.is_ascii() {
                    ascii[c as usize] = true;
                } else {
                    other.insert(c);
                }
            }
        }
        let ascii = (0u8..128).filter(|&b| ascii[b as usize]).map(char::from);
        CharTokenizer::from_chars(ascii.chain(other))
    }

    /// The given characters, in code-point order.
    pub fn from_chars(chars: impl IntoIterator<Item = char>) -> CharTokenizer {
        let set: BTreeSet<char> = chars.into_iter().collect();
        let chars: Vec<char> = set.into_iter().collect();
        let ids = chars
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32 + Self::FIRST_CHAR_ID))
            .collect();
        CharTokenizer { chars, ids }
    }

    pub fn vocab_size(&self) -> usize {
        self.chars.len() + Self::FIRST_CHAR_ID as usize
    }

    fn id_of(&self, c: char) -> u32 {
        self.ids.get(&c).copied().unwrap_or(Self::UNKNOWN_ID)
    }

    pub fn encode_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::with_capacity(text.len());
        for (i, part) in text.split(END_OF_TEXT).enumerate() {
            if i > 0 {
                ids.push(Self::END_OF_TEXT_ID);
            }
            ids.extend(part.chars().map(|c| self.id_of(c)));
        }
        ids
    }

    pub fn encode(&self, text: &str) -> Encoded {
        let mut encoded = Encoded::default();
        for (i, part) in text.split(END_OF_TEXT).enumerate() {
            if i > 0 {
                encoded.ids.push(Self::END_OF_TEXT_ID);
                encoded.pieces.push(END_OF_TEXT.to_string());
            }
            for c in part.chars() {
                let id = self.id_of(c);
                encoded.ids.push(id);
                encoded.pieces.push(if id == Self::UNKNOWN_ID {
                    UNKNOWN.to_string()
                } else {
                    c.to_string()
                });
            }
        }
        encoded
    }

    pub fn decode(&self, ids: &[u32]) -> Result<String, TokenizerError> {
        let mut text = String::with_capacity(ids.len());
        for &id in ids {
            match id {
                Self::END_OF_TEXT_ID => text.push_str(END_OF_TEXT),
                Self::UNKNOWN_ID => text.push_str(UNKNOWN),
                _ => match self.chars.get((id - Self::FIRST_CHAR_ID) as usize) {
                    Some(&c) => text.push(c),
                    None => {
                        return Err(TokenizerError::IdOutOfRange {
                            id: id.into(),
                            vocab_size: self.vocab_size(),
                        });
                    }
                },
            }
        }
        Ok(text)
    }
}

/// A tokenizer from the `tokenizers` crate: the lab's byte-level BPE, or any tokenizer.json.
#[derive(Clone, Debug)]
pub struct BpeTokenizer {
    /// Boxed: the library's tokenizer is large, and `Tokenizer` values move around.
    inner: Box<tokenizers::Tokenizer>,
    end_of_text: Option<u32>,
    vocab_size: usize,
    /// Where it came from, for messages: "built-in", a path, or "trained".
    origin: String,
}

impl BpeTokenizer {
    /// The lab's default tokenizer (assets/tokenizer.json, compiled in).
    pub fn builtin() -> Result<BpeTokenizer, TokenizerError> {
        static BUILTIN: OnceLock<Result<BpeTokenizer, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                BpeTokenizer::from_json(BUILTIN_TOKENIZER_JSON, "built-in".into())
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|reason| TokenizerError::Invalid {
                origin: "the built-in assets/tokenizer.json".into(),
                reason,
            })
    }

    /// Loads a tokenizer.json (the lab's, GPT-2's, or any other the `tokenizers` crate reads).
    pub fn from_file(path: &Path) -> Result<BpeTokenizer, TokenizerError> {
        let json = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| TokenizerError::Invalid {
                origin: path.display().to_string(),
                reason: format!(
                    "not UTF-8 text at byte offset {}",
                    e.utf8_error().valid_up_to()
                ),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(TokenizerError::Missing(path.to_path_buf()));
            }
            Err(e) => {
                return Err(TokenizerError::Unreadable {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        };
        BpeTokenizer::from_json(&json, path.display().to_string())
    }

    /// Parses the text of a tokenizer.json.
    pub fn from_json(json: &str, origin: String) -> Result<BpeTokenizer, TokenizerError> {
        let inner: tokenizers::Tokenizer =
            json.parse()
                .map_err(|e: tokenizers::Error| TokenizerError::Invalid {
                    origin: origin.clone(),
                    reason: one_line(&e.to_string()),
                })?;
        Ok(BpeTokenizer::wrap(inner, origin))
    }

    fn wrap(inner: tokenizers::Tokenizer, origin: String) -> BpeTokenizer {
        BpeTokenizer {
            end_of_text: inner.token_to_id(END_OF_TEXT),
            vocab_size: inner.get_vocab_size(true),
            inner: Box::new(inner),
            origin,
        }
    }

    /// Trains a byte-level BPE on the corpus: all 256 bytes to start with, `<|endoftext|>` as a
    /// special token (id 0), then merges of the most frequent adjacent pair until the vocabulary
    /// holds `vocab_size` tokens or no pair is left. Deterministic: the same corpus and size
    /// always give the same tokenizer.
    pub fn train(corpus: &Corpus, vocab_size: usize) -> Result<BpeTokenizer, TokenizerError> {
        if !(MIN_BPE_VOCAB..=MAX_BPE_VOCAB).contains(&vocab_size) {
            return Err(TokenizerError::VocabSize(vocab_size));
        }
        let mut trainer = TrainerWrapper::BpeTrainer(
            BpeTrainerBuilder::new()
                .vocab_size(vocab_size)
                .show_progress(false)
                .special_tokens(vec![AddedToken::from(END_OF_TEXT, true)])
                .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
                .build(),
        );
        let mut inner = tokenizers::Tokenizer::new(ModelWrapper::BPE(BPE::default()));
        // No space is added before the text: "Every" and " Every" stay different tokens, as in GPT-2.
        inner.with_pre_tokenizer(Some(ByteLevel::new(false, true, true)));
        inner.with_post_processor(Some(ByteLevel::new(false, true, true)));
        inner.with_decoder(Some(ByteLevelDecoder::default()));
        let pieces = corpus.documents().flat_map(|doc| chunks(doc, CHUNK_BYTES));
        inner
            .train(&mut trainer, pieces)
            .map_err(|e| TokenizerError::Train(one_line(&e.to_string())))?;
        Ok(BpeTokenizer::wrap(inner, "trained".into()))
    }

    /// The tokenizer.json text (pretty-printed, stable for a given tokenizer).
    pub fn to_json(&self) -> Result<String, TokenizerError> {
        self.inner
            .to_string(true)
            .map_err(|e| TokenizerError::Train(one_line(&e.to_string())))
    }

    /// Writes the tokenizer.json atomically: a temporary file beside `path`, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), TokenizerError> {
        let json = self.to_json()?;
        super::write_atomic(path, json.as_bytes()).map_err(|e| TokenizerError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    pub fn end_of_text(&self) -> Option<u32> {
        self.end_of_text
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn encode_ids(&self, text: &str) -> Result<Vec<u32>, TokenizerError> {
        self.inner
            .encode_fast(text, false)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| TokenizerError::Encode(one_line(&e.to_string())))
    }

    pub fn encode(&self, text: &str) -> Result<Encoded, TokenizerError> {
        let ids = self.encode_ids(text)?;
        let pieces = ids
            .iter()
            .map(|&id| self.piece(id))
            .collect::<Result<_, _>>()?;
        Ok(Encoded { ids, pieces })
    }

    fn check_ids(&self, ids: &[u32]) -> Result<(), TokenizerError> {
        match ids
            .iter()
            .find(|&&id| id as usize >= self.vocab_size || self.inner.id_to_token(id).is_none())
        {
            Some(&id) => Err(TokenizerError::IdOutOfRange {
                id: id.into(),
                vocab_size: self.vocab_size,
            }),
            None => Ok(()),
        }
    }

    pub fn decode(&self, ids: &[u32]) -> Result<String, TokenizerError> {
        self.check_ids(ids)?;
        self.inner
            .decode(ids, false)
            .map_err(|e| TokenizerError::Encode(one_line(&e.to_string())))
    }

    /// The text of one token. A byte-level token that holds only part of a multi-byte
    /// character has no text of its own: its bytes are shown, the loose ones in hex (`<C3>`; see
    /// [`byte_level::shown`]). Another tokenizer's undecodable token shows its vocabulary entry.
    pub fn piece(&self, id: u32) -> Result<String, TokenizerError> {
        let text = self.decode(&[id])?;
        if text.contains('\u{FFFD}') {
            let raw = self.inner.id_to_token(id).unwrap_or_default();
            if let Some(bytes) = byte_level::entry_bytes(&raw) {
                return Ok(byte_level::shown(&bytes));
            }
            if !raw.contains('\u{FFFD}') {
                return Ok(raw);
            }
        }
        Ok(text)
    }

    /// The bytes one id stands for: its decoded text, or for a byte-level token that holds
    /// part of a character (which decodes to U+FFFD) the bytes its vocabulary entry spells.
    pub fn token_bytes(&self, id: u32) -> Result<Vec<u8>, TokenizerError> {
        let text = self.decode(&[id])?;
        if text.contains('\u{FFFD}') {
            let raw = self.inner.id_to_token(id).unwrap_or_default();
            if let Some(bytes) = byte_level::entry_bytes(&raw) {
                return Ok(bytes);
            }
        }
        Ok(text.into_bytes())
    }

    /// The learned merges in rank order (first learned first), each side as its text.
    /// Empty for a tokenizer whose model is not BPE.
    pub fn merges(&self) -> Vec<(String, String)> {
        let ModelWrapper::BPE(model) = self.inner.get_model() else {
            return Vec::new();
        };
        let Ok(value) = serde_json::to_value(model) else {
            return Vec::new();
        };
        let show = |token: &str| {
            self.inner
                .token_to_id(token)
                .and_then(|id| self.piece(id).ok())
                .unwrap_or_else(|| token.to_string())
        };
        value["merges"]
            .as_array()
            .map(|merges| {
                merges
                    .iter()
                    .filter_map(|m| match m {
                        // Current format: ["a", "b"]; older files: "a b".
                        serde_json::Value::Array(pair) => {
                            Some((pair.first()?.as_str()?, pair.get(1)?.as_str()?))
                        }
                        serde_json::Value::String(s) => s.split_once(' '),
                        _ => None,
                    })
                    .map(|(a, b)| (show(a), show(b)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Shows the invisible parts of a piece of text: a space as `·`, a newline as `↵`, a tab as `→`.
pub fn visible(piece: &str) -> String {
    piece
        .chars()
        .map(|c| match c {
            ' ' => '·',
            '\n' => '↵',
            '\t' => '→',
            '\r' => '␍',
            c => c,
        })
        .collect()
}

/// Cuts `text` into pieces of about `target` bytes, only at places where a byte-level BPE
/// pre-tokenizer (GPT-2's pattern) splits anyway, so encoding the pieces one by one gives the
/// same ids as encoding the whole text. The places: before a single space that sits between
/// two visible ASCII characters, and after a single newline that sits between two of them.
pub fn chunks(text: &str, target: usize) -> impl Iterator<Item = &str> + Clone + '_ {
    let bytes = text.as_bytes();
    let target = target.max(1);
    let is_cut = move |p: usize| {
        let shown = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_graphic);
        p >= 2
            && ((bytes[p] == b' ' && shown(p - 1) && shown(p + 1))
                || (bytes[p - 1] == b'\n' && shown(p - 2) && shown(p)))
    };
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let rest = bytes.len() - start;
        let end = if rest <= target {
            bytes.len()
        } else {
            let ideal = start + target;
            (start + 1..=ideal)
                .rev()
                .find(|&p| is_cut(p))
                .or_else(|| (ideal + 1..bytes.len()).find(|&p| is_cut(p)))
                .unwrap_or(bytes.len())
        };
        // Cuts sit next to ASCII bytes, so they are character boundaries.
        let piece = &text[start..end];
        start = end;
        Some(piece)
    })
}

/// The first line of a message from another library, so errors stay one line.
fn one_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_tokenizer_round_trips_and_marks_unknowns() {
        let t = CharTokenizer::from_chars("abc ".chars());
        assert_eq!(t.vocab_size(), 6);
        let text = format!("ab c{END_OF_TEXT}ca");
        let ids = t.encode_ids(&text);
        assert_eq!(ids, [3, 4, 2, 5, 0, 5, 3]);
        assert_eq!(t.decode(&ids).unwrap(), text);
        let e = t.encode("az");
        assert_eq!(e.ids, [3, CharTokenizer::UNKNOWN_ID]);
        assert_eq!(e.pieces, ["a", UNKNOWN]);
        assert!(matches!(
            t.decode(&[6]),
            Err(TokenizerError::IdOutOfRange {
                id: 6,
                vocab_size: 6
            })
        ));
    }

    #[test]
    fn chunks_cut_only_at_safe_places_and_cover_the_text() {
        let text = "one two\nthree  four\n\nfive six. seven";
        for target in 1..text.len() + 2 {
            let pieces: Vec<&str> = chunks(text, target).collect();
            assert_eq!(pieces.concat(), text);
            for p in &pieces[1..] {
                let starts_safe = p.starts_with(' ') || !p.starts_with(char::is_whitespace);
                assert!(starts_safe, "{pieces:?}");
                assert!(!p.starts_with("  ") && !p.starts_with(" \n"), "{pieces:?}");
            }
        }
        assert_eq!(chunks("", 4).count(), 0);
    }

    #[test]
    fn visible_marks_spaces_and_newlines() {
        assert_eq!(visible(" a\nb\t"), "·a↵b→");
    }
}
