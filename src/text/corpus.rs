//! The text a model learns from: the lab's built-in corpus, or a learner's own file (`--corpus`).
//!
//! A corpus is one string plus the byte ranges of its documents. Documents are separated by the
//! marker `<|endoftext|>` (on a line of its own in the lab's files); the marker itself is not part of
//! any document, and tokenizers put their end-of-text token between documents instead.
//!
//! A learner's file is checked before it is used: it must exist, be a file, hold at most
//! [`MAX_CORPUS_BYTES`], contain text, and be UTF-8 without NUL bytes. It is read once, into one
//! buffer that becomes the corpus string without a copy.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The marker between documents, and the special token tokenizers use for it.
pub const END_OF_TEXT: &str = "<|endoftext|>";

/// The largest corpus file the lab reads: 50 MB. A model of the lab's size learns nothing more
/// from a bigger file in a class session, and the token ids of 50 MB fit comfortably in memory.
pub const MAX_CORPUS_BYTES: u64 = 50_000_000;

/// The lab corpus, compiled in: (file name, text) for every assets/corpus/*.txt, sorted by name.
const BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/corpus_files.rs"));

/// Where a corpus came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorpusSource {
    /// The lab's own corpus (assets/corpus/), compiled into the binary.
    Builtin,
    /// A learner's file.
    File(PathBuf),
}

impl std::fmt::Display for CorpusSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorpusSource::Builtin => write!(f, "the built-in corpus"),
            CorpusSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Why a corpus cannot be used. Each message is one line that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(
        "corpus file {0} does not exist: check the path, or leave out --corpus to use the built-in corpus"
    )]
    Missing(PathBuf),
    #[error("corpus path {0} is a folder: give one plain-text file")]
    NotAFile(PathBuf),
    #[error("cannot read corpus file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "corpus file {path} is {size_mb:.1} MB, over the lab's cap of 50 MB: use a smaller file or cut it down"
    )]
    TooLarge { path: PathBuf, size_mb: f64 },
    #[error("corpus file {0} is empty: give a plain-text file with a few pages of prose")]
    Empty(PathBuf),
    #[error(
        "{source_name} has no text besides whitespace and {END_OF_TEXT} markers: it needs prose"
    )]
    NoText { source_name: String },
    #[error(
        "corpus file {path} looks binary (a NUL byte at byte offset {offset}): give a plain-text UTF-8 file"
    )]
    Binary { path: PathBuf, offset: usize },
    #[error(
        "corpus file {path} is not UTF-8: byte 0x{byte:02X} at byte offset {offset} (line {line}) is invalid; {hint}"
    )]
    NotUtf8 {
        path: PathBuf,
        offset: usize,
        byte: u8,
        line: usize,
        hint: &'static str,
    },
}

/// A body of text split into documents.
#[derive(Clone, Debug)]
pub struct Corpus {
    text: String,
    documents: Vec<Range<usize>>,
    source: CorpusSource,
}

impl Corpus {
    /// The lab's built-in corpus, built once per process.
    pub fn builtin() -> Result<&'static Corpus, CorpusError> {
        static BUILTIN: OnceLock<Result<Corpus, String>> = OnceLock::new();
        let built = BUILTIN.get_or_init(|| {
            // Files are joined with the marker, so a file boundary is a document boundary too.
            let separator = format!("\n{END_OF_TEXT}\n");
            let text = BUILTIN_FILES
                .iter()
                .map(|(_, text)| *text)
                .collect::<Vec<_>>()
                .join(&separator);
            Corpus::from_text(text, CorpusSource::Builtin).map_err(|e| e.to_string())
        });
        built.as_ref().map_err(|_| CorpusError::NoText {
            source_name: "the built-in corpus (assets/corpus/*.txt)".into(),
        })
    }

    /// The names of the files that make up the built-in corpus.
    pub fn builtin_file_names() -> Vec<&'static str> {
        BUILTIN_FILES.iter().map(|(name, _)| *name).collect()
    }

    /// The learner's file when given, else the built-in corpus.
    pub fn load(path: Option<&Path>) -> Result<std::borrow::Cow<'static, Corpus>, CorpusError> {
        match path {
            Some(path) => Corpus::from_file(path).map(std::borrow::Cow::Owned),
            None => Corpus::builtin().map(std::borrow::Cow::Borrowed),
        }
    }

    /// Reads and checks a learner's corpus file. See the module docs for the checks.
    pub fn from_file(path: &Path) -> Result<Corpus, CorpusError> {
        let unreadable = |source| CorpusError::Unreadable {
            path: path.to_path_buf(),
            source,
        };
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CorpusError::Missing(path.to_path_buf()));
            }
            Err(e) => return Err(unreadable(e)),
        };
        let meta = file.metadata().map_err(unreadable)?;
        if meta.is_dir() {
            return Err(CorpusError::NotAFile(path.to_path_buf()));
        }
        let too_large = |size: u64| CorpusError::TooLarge {
            path: path.to_path_buf(),
            size_mb: size as f64 / 1e6,
        };
        // Check the size before reading anything, so a huge file is never loaded.
        if meta.len() > MAX_CORPUS_BYTES {
            return Err(too_large(meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // Read at most one byte past the cap, in case the file grows while we read it.
        file.take(MAX_CORPUS_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_CORPUS_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        if bytes.is_empty() {
            return Err(CorpusError::Empty(path.to_path_buf()));
        }
        let text = decode_utf8(bytes, path)?;
        Corpus::from_text(text, CorpusSource::File(path.to_path_buf()))
    }

    /// Splits text into documents at the [`END_OF_TEXT`] markers. Windows line ends become `\n`
    /// (in place). Fails if no document holds any text.
    pub fn from_text(mut text: String, source: CorpusSource) -> Result<Corpus, CorpusError> {
        if text.contains("\r\n") {
            text.retain(|c| c != '\r');
        }
        let documents = document_ranges(&text);
        if documents.is_empty() {
            return Err(CorpusError::NoText {
                source_name: source.to_string(),
            });
        }
        Ok(Corpus {
            text,
            documents,
            source,
        })
    }

    /// The documents, trimmed of surrounding whitespace, in order.
    pub fn documents(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        self.documents.iter().map(|r| &self.text[r.clone()])
    }

    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The characters in all documents (markers and the whitespace around them not counted).
    pub fn char_count(&self) -> usize {
        self.documents().map(|d| d.chars().count()).sum()
    }

    /// The bytes in all documents.
    pub fn byte_count(&self) -> usize {
        self.documents.iter().map(|r| r.len()).sum()
    }

    pub fn source(&self) -> &CorpusSource {
        &self.source
    }

    /// The corpus cut to its first `max_bytes` bytes of documents (the last one cut at a space
    /// or line end), for work that must stay quick on a large corpus. A copy of at most
    /// `max_bytes`; the whole corpus when it is smaller.
    pub fn head(&self, max_bytes: usize) -> Corpus {
        let mut text = String::new();
        for doc in self.documents() {
            if !text.is_empty() {
                text.push_str(END_OF_TEXT);
            }
            let room = max_bytes.saturating_sub(text.len());
            if doc.len() <= room {
                text.push_str(doc);
                continue;
            }
            // Cut at the last whitespace that fits, so no word or character is split.
            let mut end = room;
            while !doc.is_char_boundary(end) {
                end -= 1;
            }
            let cut = doc[..end].rfind(char::is_whitespace).unwrap_or(0);
            text.push_str(&doc[..cut]);
            break;
        }
        Corpus::from_text(text, self.source.clone()).unwrap_or_else(|_| self.clone())
    }

    /// The documents joined by [`END_OF_TEXT`], as a model sees them. This makes a copy: use it
    /// for small corpora and displays; stream [`Corpus::documents`] for large ones.
    pub fn joined(&self) -> String {
        self.documents().collect::<Vec<_>>().join(END_OF_TEXT)
    }
}

/// The byte ranges of the non-empty, trimmed pieces of `text` between markers.
fn document_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let ends = text
        .match_indices(END_OF_TEXT)
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()));
    for end in ends {
        let piece = &text[start..end];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let offset = start + (piece.len() - piece.trim_start().len());
            ranges.push(offset..offset + trimmed.len());
        }
        start = end + END_OF_TEXT.len();
    }
    ranges
}

/// Turns the file's bytes into a string without copying them, or says where they stop being
/// text. A leading UTF-8 byte-order mark is dropped.
fn decode_utf8(mut bytes: Vec<u8>, path: &Path) -> Result<String, CorpusError> {
    let first_nul = bytes.iter().position(|&b| b == 0);
    let utf8_error = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
    let line_of =
        |offset: usize, bytes: &[u8]| 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    // UTF-16 text starts with a byte-order mark and is full of NULs: name it.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(CorpusError::NotUtf8 {
            path: path.to_path_buf(),
            offset: 0,
            byte: bytes[0],
            line: 1,
            hint: "it looks like UTF-16 text: save it as UTF-8",
        });
    }
    match (first_nul, utf8_error) {
        (Some(nul), None) => Err(CorpusError::Binary {
            path: path.to_path_buf(),
            offset: nul,
        }),
        (Some(nul), Some(bad)) if nul <= bad => Err(CorpusError::Binary {
            path: path.to_path_buf(),
            offset: nul,
        }),
        (_, Some(bad)) => Err(CorpusError::NotUtf8 {
            path: path.to_path_buf(),
            offset: bad,
            byte: bytes[bad],
            line: line_of(bad, &bytes),
            hint: "a binary file, or text in another encoding (save it as UTF-8)",
        }),
        (None, None) => {
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bytes.drain(..3);
            }
            Ok(String::from_utf8(bytes).expect("checked to be UTF-8 above"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_on_markers_and_trimmed() {
        let text =
            format!("  one\n{END_OF_TEXT}\n\n two two \n{END_OF_TEXT}\n \n{END_OF_TEXT}three");
        let corpus = Corpus::from_text(text, CorpusSource::Builtin).unwrap();
        let docs: Vec<_> = corpus.documents().collect();
        assert_eq!(docs, ["one", "two two", "three"]);
        assert_eq!(
            corpus.joined(),
            format!("one{END_OF_TEXT}two two{END_OF_TEXT}three")
        );
        assert_eq!(corpus.char_count(), 3 + 7 + 5);
    }

    #[test]
    fn head_keeps_whole_words_and_documents() {
        let text = format!("one two{END_OF_TEXT}three four five");
        let corpus = Corpus::from_text(text, CorpusSource::Builtin).unwrap();
        assert_eq!(corpus.head(1000).joined(), corpus.joined());
        let docs: Vec<String> = corpus.head(26).documents().map(String::from).collect();
        assert_eq!(docs, ["one two", "three"]);
        assert!(corpus.head(26).joined().len() <= 26);
    }

    #[test]
    fn windows_line_ends_become_newlines() {
        let corpus = Corpus::from_text("a\r\nb".into(), CorpusSource::Builtin).unwrap();
        assert_eq!(corpus.documents().next(), Some("a\nb"));
    }

    #[test]
    fn only_markers_is_no_text() {
        let text = format!("\n{END_OF_TEXT}\n  \n{END_OF_TEXT}");
        let err = Corpus::from_text(text, CorpusSource::Builtin).unwrap_err();
        assert!(matches!(err, CorpusError::NoText { .. }), "{err}");
    }

    #[test]
    fn bad_bytes_are_located() {
        let path = Path::new("x.txt");
        let err = decode_utf8(b"ok\nfine\xC3(".to_vec(), path).unwrap_err();
        assert!(
            matches!(
                err,
                CorpusError::NotUtf8 {
                    offset: 7,
                    line: 2,
                    byte: 0xC3,
                    ..
                }
            ),
            "{err}"
        );
        let err = decode_utf8(b"text\0more".to_vec(), path).unwrap_err();
        assert!(
            matches!(err, CorpusError::Binary { offset: 4, .. }),
            "{err}"
        );
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFhi".to_vec(), path).unwrap(), "hi");
    }
}
