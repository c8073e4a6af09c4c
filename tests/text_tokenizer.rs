//! Tokenizers over the whole built-in corpus: round trips, training, loading, errors.

use llm_lab::text::corpus::{Corpus, CorpusSource, END_OF_TEXT};
use llm_lab::text::tokenizer::{
    BpeTokenizer, CharTokenizer, DEFAULT_VOCAB_SIZE, MIN_BPE_VOCAB, Tokenizer, TokenizerError,
    chunks,
};
use proptest::prelude::*;
use std::path::Path;

fn corpus() -> &'static Corpus {
    Corpus::builtin().expect("the built-in corpus loads")
}

/// A small corpus for the tests that train (training on the whole corpus is slower).
fn small_corpus() -> Corpus {
    let text: Vec<&str> = corpus().documents().take(40).collect();
    Corpus::from_text(text.join(END_OF_TEXT), CorpusSource::Builtin).unwrap()
}

fn round_trip(tokenizer: &Tokenizer) {
    let ids = tokenizer.encode_corpus(corpus()).unwrap();
    assert!(ids.iter().all(|&id| (id as usize) < tokenizer.vocab_size()));
    assert_eq!(tokenizer.decode(&ids).unwrap(), corpus().joined());
}

#[test]
fn the_builtin_bpe_round_trips_the_whole_corpus() {
    let tokenizer = Tokenizer::load(None).unwrap();
    assert_eq!(tokenizer.vocab_size(), DEFAULT_VOCAB_SIZE);
    round_trip(&tokenizer);
}

#[test]
fn the_char_tokenizer_round_trips_the_whole_corpus() {
    let tokenizer = Tokenizer::Char(CharTokenizer::from_corpus(corpus()));
    round_trip(&tokenizer);
    let ids = tokenizer.encode_corpus(corpus()).unwrap();
    assert!(
        !ids.contains(&CharTokenizer::UNKNOWN_ID),
        "every corpus character is known"
    );
    // One id per character, plus one end-of-text id between documents.
    assert_eq!(
        ids.len(),
        corpus().char_count() + corpus().document_count() - 1
    );
}

#[test]
fn the_builtin_tokenizer_is_what_train_makes_from_the_builtin_corpus() {
    // assets/tokenizer.json must be regenerated whenever the corpus changes.
    let trained = BpeTokenizer::train(corpus(), DEFAULT_VOCAB_SIZE).unwrap();
    let builtin = BpeTokenizer::builtin().unwrap();
    assert_eq!(
        trained.to_json().unwrap(),
        builtin.to_json().unwrap(),
        "assets/tokenizer.json is stale: run `llm-lab tokenizer train --vocab-size {DEFAULT_VOCAB_SIZE} --out assets/tokenizer.json`"
    );
}

#[test]
fn chunked_encoding_equals_encoding_whole_documents() {
    let tokenizer = Tokenizer::load(None).unwrap();
    for doc in corpus().documents().take(60) {
        let whole = tokenizer.encode_ids(doc).unwrap();
        let mut pieces = Vec::new();
        for chunk in chunks(doc, 97) {
            pieces.extend(tokenizer.encode_ids(chunk).unwrap());
        }
        assert_eq!(pieces, whole);
    }
}

#[test]
fn training_is_deterministic() {
    let corpus = small_corpus();
    let a = BpeTokenizer::train(&corpus, 300)
        .unwrap()
        .to_json()
        .unwrap();
    let b = BpeTokenizer::train(&corpus, 300)
        .unwrap()
        .to_json()
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn merges_are_in_the_order_they_were_learned() {
    let tokenizer = Tokenizer::Bpe(BpeTokenizer::train(&small_corpus(), 300).unwrap());
    let merges = tokenizer.merges();
    // Ids: <|endoftext|>, the 256 bytes, then one new token per merge, in merge order.
    assert_eq!(merges.len(), tokenizer.vocab_size() - MIN_BPE_VOCAB);
    for (rank, (a, b)) in merges.iter().enumerate() {
        let merged = tokenizer.encode(&format!("{a}{b}")).unwrap();
        assert_eq!(
            merged.ids,
            [(MIN_BPE_VOCAB + rank) as u32],
            "merge {rank}: {a:?} + {b:?}"
        );
    }
    assert_eq!(tokenizer.end_of_text(), Some(0));
}

#[test]
fn end_of_text_is_one_token_in_both_tokenizers() {
    let bpe = Tokenizer::load(None).unwrap();
    let chars = Tokenizer::Char(CharTokenizer::from_corpus(corpus()));
    for tokenizer in [bpe, chars] {
        let eot = tokenizer.end_of_text().unwrap();
        let encoded = tokenizer.encode(&format!("a{END_OF_TEXT}b")).unwrap();
        assert_eq!(encoded.ids.len(), 3);
        assert_eq!(encoded.ids[1], eot);
        assert_eq!(encoded.pieces[1], END_OF_TEXT);
    }
}

#[test]
fn a_vocab_size_outside_the_range_is_refused() {
    for size in [0, 10, 256, 50_258] {
        let err = BpeTokenizer::train(&small_corpus(), size).unwrap_err();
        assert!(
            matches!(err, TokenizerError::VocabSize(s) if s == size),
            "{err}"
        );
    }
}

#[test]
fn ids_out_of_range_are_refused() {
    let tokenizer = Tokenizer::load(None).unwrap();
    let too_big = tokenizer.vocab_size() as u32;
    let err = tokenizer.decode(&[1, too_big]).unwrap_err();
    assert!(matches!(err, TokenizerError::IdOutOfRange { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("ids 0 to {}", too_big - 1))
    );
}

#[test]
fn a_saved_tokenizer_loads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tok.json");
    let trained = BpeTokenizer::train(&small_corpus(), 280).unwrap();
    trained.save(&path).unwrap();
    let loaded = BpeTokenizer::from_file(&path).unwrap();
    assert_eq!(loaded.to_json().unwrap(), trained.to_json().unwrap());
    // Only the final file is left: the temporary one was renamed.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_tokenizer_files_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let err = BpeTokenizer::from_file(Path::new("/no/such/tokenizer.json")).unwrap_err();
    assert!(matches!(err, TokenizerError::Missing(_)), "{err}");
    for (name, content) in [
        ("not-json.json", &b"hello there"[..]),
        ("wrong-json.json", &b"{\"model\": 3}"[..]),
        ("binary.json", &b"\xff\xfe\x00"[..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = BpeTokenizer::from_file(&path).unwrap_err();
        assert!(
            matches!(err, TokenizerError::Invalid { .. }),
            "{name}: {err}"
        );
        assert!(!err.to_string().contains('\n'), "{err}");
    }
}

/// A GPT-2-style tokenizer.json (byte-level pre-tokenizer, post-processor and decoder, a BPE
/// model) with the given added tokens, vocabulary and merges, each as JSON text.
fn gpt2_style(added_tokens: &str, vocab: &str, merges: &str) -> BpeTokenizer {
    let json = format!(
        r#"{{
      "version": "1.0", "truncation": null, "padding": null,
      "added_tokens": {added_tokens},
      "normalizer": null,
      "pre_tokenizer": {{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}},
      "post_processor": {{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true}},
      "decoder": {{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}},
      "model": {{"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
        "end_of_word_suffix": "", "fuse_unk": false, "vocab": {vocab}, "merges": {merges}}}
    }}"#
    );
    BpeTokenizer::from_json(&json, "gpt2-style".into()).unwrap()
}

#[test]
fn a_gpt2_style_file_with_text_merges_loads() {
    // GPT-2's tokenizer.json writes merges as "a b" strings and puts <|endoftext|> last.
    let tokenizer = Tokenizer::Bpe(gpt2_style(
        r#"[{"id": 6, "content": "<|endoftext|>", "single_word": false,
            "lstrip": false, "rstrip": false, "normalized": true, "special": true}]"#,
        r#"{"a": 0, "b": 1, "Ġ": 2, "ab": 3, "Ġab": 4, "c": 5, "<|endoftext|>": 6}"#,
        r#"["a b", "Ġ ab"]"#,
    ));
    assert_eq!(tokenizer.vocab_size(), 7);
    assert_eq!(tokenizer.end_of_text(), Some(6));
    assert_eq!(
        tokenizer.merges(),
        [("a".into(), "b".into()), (" ".into(), "ab".into())]
    );
    let encoded = tokenizer.encode("ab abc").unwrap();
    assert_eq!(encoded.ids, [3, 4, 5]);
    assert_eq!(encoded.pieces, ["ab", " ab", "c"]);
    assert_eq!(tokenizer.decode(&encoded.ids).unwrap(), "ab abc");
}

#[test]
fn tokens_holding_part_of_a_character_show_their_bytes_in_hex() {
    let tokenizer = Tokenizer::load(None).unwrap();
    let text = "naïve 東";
    let encoded = tokenizer.encode(text).unwrap();
    // The built-in vocabulary has no merge for ï (C3 AF) or 東 (E6 9D B1): one byte a token.
    assert_eq!(
        encoded.pieces,
        ["n", "a", "<C3>", "<AF>", "ve", " ", "<E6>", "<9D>", "<B1>"]
    );
    // No raw byte-level symbol (Ã, ¯, æ, Ŀ, ±) reaches the display, and the ids are unchanged.
    for piece in &encoded.pieces {
        assert!(!piece.contains(['Ã', '¯', 'æ', 'Ŀ', '±']), "{piece}");
    }
    assert_eq!(encoded.ids, tokenizer.encode_ids(text).unwrap());
    assert_eq!(tokenizer.decode(&encoded.ids).unwrap(), text);
}

#[test]
fn a_gpt2_style_file_shows_split_characters_in_hex_and_whole_ones_as_text() {
    // A GPT-2-style byte-level vocabulary: `Ã` and `¯` are the bytes C3 and AF of ï, `Ġ` a
    // space, `Ã¯` their merge.
    let bpe = gpt2_style(
        "[]",
        r#"{"n": 0, "a": 1, "Ã": 2, "¯": 3, "v": 4, "e": 5, "Ġ": 6, "Ã¯": 7, "ĠÃ": 8}"#,
        r#"["Ġ Ã"]"#,
    );
    // A token that holds the whole character shows it.
    assert_eq!(bpe.piece(7).unwrap(), "ï");
    let tokenizer = Tokenizer::Bpe(bpe);
    let encoded = tokenizer.encode("naïve").unwrap();
    assert_eq!(encoded.ids, [0, 1, 2, 3, 4, 5]);
    assert_eq!(encoded.pieces, ["n", "a", "<C3>", "<AF>", "v", "e"]);
    let encoded = tokenizer.encode(" ïe").unwrap();
    assert_eq!(encoded.ids, [8, 3, 5]);
    assert_eq!(
        encoded.pieces,
        [" <C3>", "<AF>", "e"],
        "text and hex in one token"
    );
    assert_eq!(
        tokenizer.merges(),
        [(" ".to_string(), "<C3>".to_string())],
        "merges show their sides the same way"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Byte-level BPE falls back to single bytes, so it encodes any text, even words and
    /// scripts the corpus never had, and gives it back unchanged.
    #[test]
    fn the_builtin_bpe_round_trips_any_text(text in "\\PC{0,40}") {
        let tokenizer = Tokenizer::load(None).unwrap();
        let ids = tokenizer.encode_ids(&text).unwrap();
        prop_assert_eq!(tokenizer.decode(&ids).unwrap(), text);
    }
}
