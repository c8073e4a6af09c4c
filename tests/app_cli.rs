//! The command line in front of the app: bad input gets one clear line and a non-zero exit,
//! and output that is not a terminal gets an explanation instead of a garbled screen.

use std::process::{Command, Output};

fn lab(args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(args)
        .env("LLM_LAB_DATA_DIR", data.path())
        .output()
        .expect("run llm-lab")
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line, got: {err}");
    err
}

#[test]
fn stdout_that_is_not_a_terminal_gets_a_clear_error() {
    let out = lab(&[]);
    let err = one_line_error(&out);
    assert!(err.contains("terminal") && err.contains("dump"), "{err}");
}

#[test]
fn an_unknown_lesson_id_says_how_to_see_the_ids() {
    let out = lab(&["--lesson", "no-such-lesson"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("no-such-lesson") && err.contains("lessons list"),
        "{err}"
    );
}

#[test]
fn an_unknown_theme_lists_the_themes() {
    let out = lab(&["--theme", "neon"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("neon") && err.contains("high-contrast"),
        "{err}"
    );
}

#[test]
fn a_missing_lessons_folder_is_one_line() {
    let out = lab(&["--lessons", "/no/such/folder"]);
    let err = one_line_error(&out);
    assert!(err.contains("/no/such/folder"), "{err}");
}
