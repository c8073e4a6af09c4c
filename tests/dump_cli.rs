//! The real binary: `dump`, `lessons list` and `lessons check`, their output and exit codes.

use serde_json::Value as Json;
use std::process::{Command, Output};

fn llm_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(args)
        .output()
        .expect("run llm-lab")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn dump(args: &[&str]) -> Json {
    let mut all = vec!["dump"];
    all.extend_from_slice(args);
    let out = llm_lab(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn result<'a>(dump: &'a Json, name: &str) -> &'a Json {
    dump["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result {name}"))
}

fn numbers(value: &Json) -> Vec<f64> {
    value["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// Asserts a failed run with exactly one line of explanation containing `fragment`.
fn fails_with_one_line(args: &[&str], fragment: &str) {
    let out = llm_lab(args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(fragment), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn dump_of_lesson_3_is_json_with_the_softmax() {
    let d = dump(&["softmax"]);
    assert_eq!(d["lesson"], "softmax");
    assert_eq!(d["seed"], 42);
    assert_eq!(d["params"]["temperature"], 1.0);
    let names: Vec<&str> = d["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for want in [
        "probabilities",
        "logits",
        "stable_logits",
        "entropy",
        "argmax",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let p = result(&d, "probabilities");
    assert_eq!(p["kind"], "tensor");
    assert_eq!(p["shape"], serde_json::json!([9]));
    assert_eq!(p["axes"], serde_json::json!(["word"]));
    assert_eq!(p["labels"][0][3], "forward");
    let sum: f64 = numbers(p).iter().sum();
    assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    assert_eq!(result(&d, "argmax")["text"], "forward");
}

#[test]
fn set_changes_the_numbers_and_seed_is_reported() {
    let base = numbers(result(&dump(&["softmax"]), "probabilities"));
    let hot = dump(&["softmax", "--set", "temperature=3", "--seed", "9"]);
    assert_eq!(hot["seed"], 9);
    assert_eq!(hot["params"]["temperature"], 3.0);
    let flat = numbers(result(&hot, "probabilities"));
    assert!(flat[3] < base[3], "a higher temperature flattens");
    // Overflowing naive values are written as null, not as invalid JSON.
    let over = dump(&["softmax", "--set", "shift=100"]);
    assert!(
        result(&over, "naive_probabilities")["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.is_null())
    );
    // The vectors lesson: a 6×6 heatmap with labels on both axes.
    let v = dump(&["vectors", "--set", "first=step"]);
    let cos = result(&v, "cosine_similarity");
    assert_eq!(cos["shape"], serde_json::json!([6, 6]));
    assert_eq!(cos["labels"][1][5], "step");
    assert!(
        result(&v, "pair")["text"]
            .as_str()
            .unwrap()
            .starts_with("step · starts")
    );
}

#[test]
fn bad_ids_params_and_values_fail_with_one_line() {
    fails_with_one_line(&["dump", "sofmax"], "no lesson `sofmax`");
    fails_with_one_line(&["dump", "softmax", "--set", "tempo=1"], "temperature");
    fails_with_one_line(
        &["dump", "softmax", "--set", "temperature=99"],
        "`temperature` = 99 is outside its range, 0.1 to 5",
    );
    fails_with_one_line(&["dump", "softmax", "--set", "temperature=warm"], "number");
    fails_with_one_line(
        &["dump", "projections", "--set", "d_out=2.5"],
        "whole number",
    );
    fails_with_one_line(&["dump", "vectors", "--set", "axes=d9"], "d1-d2");
    fails_with_one_line(
        &["--lessons", "/no/such/folder", "dump", "softmax"],
        "no such lessons folder",
    );
}

#[test]
fn lessons_list_starts_each_line_with_an_id() {
    let out = llm_lab(&["lessons", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let ids: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(&ids[..3], ["vectors", "projections", "softmax"]);
    assert!(text.contains("Part I — the maths toolkit"));
}

#[test]
fn lessons_check_reports_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let good = include_str!("../lessons/03-softmax.md");
    std::fs::write(dir.path().join("03-softmax.md"), good).unwrap();
    let out = llm_lab(&["lessons", "check", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("1 lesson file(s), no problems"));

    let broken = good.replace("default = 1.0", "default = 50.0");
    let line = broken.lines().position(|l| l == "default = 50.0").unwrap() + 1;
    std::fs::write(dir.path().join("03-softmax.md"), &broken).unwrap();
    std::fs::write(
        dir.path().join("04-broken.md"),
        "+++\nid = \"x\"\norder = [\n+++\nprose\n",
    )
    .unwrap();
    let out = llm_lab(&["lessons", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("03-softmax.md:{line}: param `temperature`")),
        "{text}"
    );
    assert!(text.contains("04-broken.md:3: bad TOML"), "{text}");
    // --lessons makes list and dump use the folder, and the broken file does not stop the rest.
    let list = llm_lab(&["--lessons", dir.path().to_str().unwrap(), "lessons", "list"]);
    assert!(!list.status.success());
    assert!(stderr(&list).contains("04-broken.md:3"));

    fails_with_one_line(
        &["lessons", "check", "/no/such/folder"],
        "no such lessons folder",
    );
}

#[test]
fn lessons_flag_loads_a_folder_for_dump() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        include_str!("../lessons/03-softmax.md").replace("id = \"softmax\"", "id = \"mine\"");
    std::fs::write(dir.path().join("mine.md"), text).unwrap();
    let out = llm_lab(&["--lessons", dir.path().to_str().unwrap(), "dump", "mine"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let d: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["lesson"], "mine");
    fails_with_one_line(
        &["--lessons", dir.path().to_str().unwrap(), "dump", "softmax"],
        "no lesson `softmax`",
    );
}
