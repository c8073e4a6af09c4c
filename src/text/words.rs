//! A word-level tokenizer, as the book builds before it turns to BPE: text is cut at whitespace
//! and punctuation, each word or mark is one token, and a word the vocabulary lacks becomes
//! `<|unk|>`. It exists to be compared: it cannot encode a word it never saw.

use super::corpus::{Corpus, END_OF_TEXT};
use super::tokenizer::{Encoded, UNKNOWN};
use std::collections::{BTreeSet, HashMap};

/// Marks that are tokens of their own (the book's set), besides `--`.
const MARKS: &[char] = &[',', '.', ':', ';', '?', '_', '!', '"', '(', ')', '\''];

/// Splits text into words and punctuation marks; whitespace is dropped, `--` is one mark, and
/// `<|endoftext|>` is kept whole.
pub fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, part) in text.split(END_OF_TEXT).enumerate() {
        if i > 0 {
            out.push(END_OF_TEXT);
        }
        split_plain(part, &mut out);
    }
    out
}

fn split_plain<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    let mut word_start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let dash_pair = c == '-' && chars.peek().is_some_and(|&(_, n)| n == '-');
        if c.is_whitespace() || MARKS.contains(&c) || dash_pair {
            if let Some(start) = word_start.take() {
                out.push(&text[start..i]);
            }
            if dash_pair {
                chars.next();
                out.push(&text[i..i + 2]);
            } else if !c.is_whitespace() {
                out.push(&text[i..i + c.len_utf8()]);
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(start) = word_start {
        out.push(&text[start..]);
    }
}

/// One id per distinct word or mark of a corpus. Ids: 0 is `<|endoftext|>`, 1 is `<|unk|>`,
/// then the words in sorted order.
#[derive(Clone, Debug)]
pub struct WordTokenizer {
    words: Vec<String>,
    ids: HashMap<String, u32>,
}

impl WordTokenizer {
    pub const END_OF_TEXT_ID: u32 = 0;
    pub const UNKNOWN_ID: u32 = 1;

    pub fn from_corpus(corpus: &Corpus) -> WordTokenizer {
        let mut set = std::collections::HashSet::new();
        for doc in corpus.documents() {
            set.extend(split_words(doc));
        }
        let mut words: Vec<String> = set.into_iter().map(str::to_string).collect();
        words.sort_unstable();
        let ids = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32 + 2))
            .collect();
        WordTokenizer { words, ids }
    }

    pub fn vocab_size(&self) -> usize {
        self.words.len() + 2
    }

    /// The ids and pieces of `text`; unknown words become `<|unk|>` (the piece says which).
    pub fn encode(&self, text: &str) -> Encoded {
        let mut encoded = Encoded::default();
        for word in split_words(text) {
            let id = if word == END_OF_TEXT {
                Self::END_OF_TEXT_ID
            } else {
                self.ids.get(word).copied().unwrap_or(Self::UNKNOWN_ID)
            };
            encoded.ids.push(id);
            encoded.pieces.push(if id == Self::UNKNOWN_ID {
                UNKNOWN.to_string()
            } else {
                word.to_string()
            });
        }
        encoded
    }

    /// The words of `text` this vocabulary lacks, in order of appearance, without repeats.
    pub fn unknown_words<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut seen = BTreeSet::new();
        split_words(text)
            .into_iter()
            .filter(|w| *w != END_OF_TEXT && !self.ids.contains_key(*w) && seen.insert(*w))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::corpus::CorpusSource;

    #[test]
    fn splits_like_the_book() {
        assert_eq!(
            split_words("Hello, world. Is this-- a test?"),
            [
                "Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?"
            ]
        );
        assert_eq!(
            split_words(&format!("end{END_OF_TEXT} it's")),
            ["end", END_OF_TEXT, "it", "'", "s"]
        );
        assert_eq!(split_words("  "), Vec::<&str>::new());
    }

    #[test]
    fn unknown_words_become_unk() {
        let corpus = Corpus::from_text("the cat sat.".into(), CorpusSource::Builtin).unwrap();
        let t = WordTokenizer::from_corpus(&corpus);
        assert_eq!(t.vocab_size(), 2 + 4);
        let e = t.encode("the dog sat.");
        assert_eq!(e.pieces, ["the", UNKNOWN, "sat", "."]);
        assert_eq!(e.ids[1], WordTokenizer::UNKNOWN_ID);
        assert_eq!(
            t.unknown_words("the dog, the dog and cat"),
            ["dog", ",", "and"]
        );
    }
}
