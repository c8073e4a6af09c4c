//! `llm-lab tokenizer ...` as a learner runs it.

use llm_lab::text::tokenizer::{Tokenizer, visible};
use std::process::{Command, Output};

fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A refusal: exit code ≠ 0, and one line on stderr that contains `expect`.
fn refused(args: &[&str], expect: &str) {
    let out = lab(args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: one line, got {err:?}"
    );
    assert!(
        err.contains(expect),
        "{args:?}: {err:?} should mention {expect:?}"
    );
}

#[test]
fn encode_prints_the_tokens_and_their_ids() {
    let text = "Every effort moves you";
    let out = stdout(&lab(&["tokenizer", "encode", text]));
    let expected = Tokenizer::load(None).unwrap().encode(text).unwrap();
    assert!(
        out.starts_with(&format!("{} tokens", expected.ids.len())),
        "{out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    let tokens: Vec<&str> = lines[1].split_whitespace().collect();
    let ids: Vec<&str> = lines[2].split_whitespace().collect();
    let shown: Vec<String> = expected.pieces.iter().map(|p| visible(p)).collect();
    assert_eq!(tokens, shown);
    let expected_ids: Vec<String> = expected.ids.iter().map(u32::to_string).collect();
    assert_eq!(ids, expected_ids);
    assert!(out.contains("·"), "spaces are shown: {out}");
}

#[test]
fn encode_shows_bytes_of_split_characters_as_the_lesson_does() {
    let text = "naïve 東";
    let out = stdout(&lab(&["tokenizer", "encode", text]));
    let expected = Tokenizer::load(None).unwrap().encode(text).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    let tokens: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        tokens,
        ["n", "a", "<C3>", "<AF>", "ve", "·", "<E6>", "<9D>", "<B1>"]
    );
    let shown: Vec<String> = expected.pieces.iter().map(|p| visible(p)).collect();
    assert_eq!(tokens, shown, "the same form as the lesson's token strip");
}

#[test]
fn encode_json_then_decode_gives_the_text_back() {
    let text = "The little hen found a seed.";
    let out = stdout(&lab(&["tokenizer", "encode", text, "--json"]));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<String> = value["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.to_string())
        .collect();
    assert_eq!(value["tokens"].as_array().unwrap().len(), ids.len());
    let mut args = vec!["tokenizer", "decode"];
    args.extend(ids.iter().map(String::as_str));
    assert_eq!(stdout(&lab(&args)), format!("{text}\n"));
}

#[test]
fn char_level_encoding_has_one_token_per_character() {
    let out = stdout(&lab(&["tokenizer", "encode", "--char", "a cat", "--json"]));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        value["tokens"],
        serde_json::json!(["a", " ", "c", "a", "t"])
    );
}

#[test]
fn train_writes_a_tokenizer_that_encode_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("mine.txt");
    std::fs::write(&corpus, "the cat sat on the mat. the cat ran. ".repeat(50)).unwrap();
    let out_path = dir.path().join("tok.json");
    let out = stdout(&lab(&[
        "tokenizer",
        "train",
        "--corpus",
        corpus.to_str().unwrap(),
        "--vocab-size",
        "270",
        "--out",
        out_path.to_str().unwrap(),
    ]));
    assert!(out.contains("270 tokens"), "{out}");
    let encoded = stdout(&lab(&[
        "--tokenizer",
        out_path.to_str().unwrap(),
        "tokenizer",
        "encode",
        "the cat",
        "--json",
    ]));
    let value: serde_json::Value = serde_json::from_str(&encoded).unwrap();
    assert_eq!(value["vocab_size"], 270);
}

#[test]
fn bad_inputs_get_one_line_and_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    let out = out.to_str().unwrap();
    refused(
        &["tokenizer", "train", "--vocab-size", "100", "--out", out],
        "vocab size 100",
    );
    refused(
        &["tokenizer", "decode", "1", "999999"],
        "999999 is out of range",
    );
    refused(
        &["tokenizer", "decode", "12", "twelve"],
        "'twelve' is not a token id",
    );
    refused(
        &["--tokenizer", "/no/such.json", "tokenizer", "encode", "hi"],
        "does not exist",
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    refused(
        &[
            "--tokenizer",
            bad.to_str().unwrap(),
            "tokenizer",
            "encode",
            "hi",
        ],
        "not a valid tokenizer.json",
    );
    let binary = dir.path().join("bin.txt");
    std::fs::write(&binary, b"ab\0cd").unwrap();
    let binary = binary.to_str().unwrap();
    refused(
        &[
            "tokenizer",
            "train",
            "--corpus",
            binary,
            "--vocab-size",
            "300",
            "--out",
            out,
        ],
        "byte offset 2",
    );
    refused(
        &[
            "tokenizer",
            "train",
            "--corpus",
            "/no/such.txt",
            "--vocab-size",
            "300",
            "--out",
            out,
        ],
        "does not exist",
    );
    assert!(
        !std::path::Path::new(out).exists(),
        "nothing written on failure"
    );
}
