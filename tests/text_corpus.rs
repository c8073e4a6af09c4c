//! The built-in corpus, and every way a learner's corpus file can be refused.

use llm_lab::text::batches::{DataConfig, DataError, Split};
use llm_lab::text::corpus::{Corpus, CorpusError, CorpusSource, END_OF_TEXT, MAX_CORPUS_BYTES};
use llm_lab::text::tokenizer::{CharTokenizer, Tokenizer};
use std::io::Write;
use std::path::{Path, PathBuf};

fn file_with(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

fn one_line(err: &CorpusError) -> String {
    let message = err.to_string();
    assert!(!message.contains('\n'), "message is one line: {message}");
    message
}

#[test]
fn builtin_corpus_has_documents_from_every_file() {
    let corpus = Corpus::builtin().expect("the built-in corpus loads");
    let files = Corpus::builtin_file_names();
    assert!(!files.is_empty());
    assert!(corpus.document_count() >= files.len());
    assert_eq!(corpus.source(), &CorpusSource::Builtin);
    for doc in corpus.documents() {
        assert!(!doc.is_empty() && !doc.contains(END_OF_TEXT));
        assert_eq!(doc, doc.trim());
    }
}

#[test]
fn a_good_file_loads_with_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}The hen sat.\r\n{END_OF_TEXT}\r\nThe fox ran.\r\n");
    let path = file_with(&dir, "mine.txt", text.as_bytes());
    let corpus = Corpus::from_file(&path).unwrap();
    let docs: Vec<_> = corpus.documents().collect();
    assert_eq!(docs, ["The hen sat.", "The fox ran."]);
    assert_eq!(corpus.source(), &CorpusSource::File(path));
}

#[test]
fn a_missing_file_is_named() {
    let err = Corpus::from_file(Path::new("/no/such/corpus.txt")).unwrap_err();
    assert!(matches!(err, CorpusError::Missing(_)));
    assert!(one_line(&err).contains("/no/such/corpus.txt"));
}

#[test]
fn a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Corpus::from_file(dir.path()).unwrap_err();
    assert!(matches!(err, CorpusError::NotAFile(_)), "{err}");
}

#[test]
fn an_empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Corpus::from_file(&file_with(&dir, "empty.txt", b"")).unwrap_err();
    assert!(matches!(err, CorpusError::Empty(_)), "{err}");
    assert!(one_line(&err).contains("empty"));
}

#[test]
fn whitespace_and_markers_only_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\n\n{END_OF_TEXT}\n   \n{END_OF_TEXT}\n");
    let err = Corpus::from_file(&file_with(&dir, "blank.txt", text.as_bytes())).unwrap_err();
    assert!(matches!(err, CorpusError::NoText { .. }), "{err}");
}

#[test]
fn a_binary_file_gives_the_offset_of_the_nul_byte() {
    let dir = tempfile::tempdir().unwrap();
    let err = Corpus::from_file(&file_with(&dir, "data.bin", b"abc\0\x01\x02")).unwrap_err();
    assert!(
        matches!(err, CorpusError::Binary { offset: 3, .. }),
        "{err}"
    );
    assert!(one_line(&err).contains("byte offset 3"));
}

#[test]
fn a_non_utf8_file_gives_the_offset_and_line_of_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    // "café" in Latin-1 on the second line: the é is the single byte 0xE9.
    let err =
        Corpus::from_file(&file_with(&dir, "latin1.txt", b"hello\ncaf\xE9 au lait")).unwrap_err();
    assert!(
        matches!(
            err,
            CorpusError::NotUtf8 {
                offset: 9,
                line: 2,
                byte: 0xE9,
                ..
            }
        ),
        "{err}"
    );
    let message = one_line(&err);
    assert!(
        message.contains("byte offset 9") && message.contains("0xE9"),
        "{message}"
    );
}

#[test]
fn a_png_is_not_utf8_at_offset_zero() {
    let dir = tempfile::tempdir().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let err = Corpus::from_file(&file_with(&dir, "picture.png", png)).unwrap_err();
    assert!(
        matches!(err, CorpusError::NotUtf8 { offset: 0, .. }),
        "{err}"
    );
}

#[test]
fn utf16_text_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let err = Corpus::from_file(&file_with(&dir, "wide.txt", b"\xFF\xFEh\0i\0")).unwrap_err();
    assert!(one_line(&err).contains("UTF-16"), "{err}");
}

#[test]
fn a_file_over_the_cap_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    // A sparse file: it claims its size without using the disk, and reading it would take long.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_CORPUS_BYTES + 1).unwrap();
    let err = Corpus::from_file(&path).unwrap_err();
    assert!(matches!(err, CorpusError::TooLarge { .. }), "{err}");
    assert!(one_line(&err).contains("50 MB"));
}

#[test]
fn a_text_too_short_for_one_window_says_how_long_it_must_be() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_with(&dir, "short.txt", b"The hen sat on the mat.");
    let corpus = Corpus::from_file(&path).unwrap();
    let tokenizer = Tokenizer::Char(CharTokenizer::from_corpus(&corpus));
    let ids = tokenizer.encode_corpus(&corpus).unwrap();
    assert_eq!(ids.len(), 23);
    let config = DataConfig::new(16, 2, 0);
    let err = Split::new(ids, corpus.char_count(), &config).unwrap_err();
    let DataError::TooShort {
        tokens,
        needed_tokens,
        needed_chars,
        ..
    } = err.clone()
    else {
        panic!("expected TooShort, got {err}");
    };
    assert_eq!(tokens, 23);
    assert_eq!(needed_tokens, config.min_tokens());
    // One character per token here, so the characters needed equal the tokens needed.
    assert_eq!(needed_chars, needed_tokens);
    let message = err.to_string();
    assert!(
        message.contains(&format!("at least {needed_tokens} tokens")),
        "{message}"
    );
    assert!(!message.contains('\n'));
}
