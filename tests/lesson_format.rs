//! The lesson file format: broken files are reported with the right file and line, every
//! problem at once, and the built-in lessons all load.

use llm_lab::lessons::{
    self, LessonError, ParamValue, RESERVED_KEYS, default_values, load_dir, load_file, parse_set,
    step_value,
};
use std::path::Path;

/// A sound lesson on the softmax scene; tests break one thing at a time.
const GOOD: &str = r#"+++
id = "demo"
title = "Demo"
part = "Part T — tests"
order = 7
scene = "softmax"

[[param]]
name = "temperature"
label = "temperature"
key = "e"
type = "float"
default = 1.0
min = 0.1
max = 5.0
step = 0.1

[[param]]
name = "shift"
label = "shift"
key = "b"
type = "float"
default = 0.0
min = -100.0
max = 100.0
step = 10.0

[[pane]]
result = "probabilities"
view = "bars"

[[check]]
question = "Pick one"
choices = ["yes", "no"]
answers = ["yes"]
explanation = "Because."
+++

# Demo

Some prose.
"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Loads one file on its own and returns its errors (panics if it loaded).
fn errors_of(text: &str) -> Vec<LessonError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "lesson.md", text);
    match load_file(&path) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(errors) => errors,
    }
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn has(errors: &[LessonError], line: usize, fragment: &str) -> bool {
    errors
        .iter()
        .any(|e| e.line == Some(line) && e.message.contains(fragment))
}

fn builtin(id: &str) -> lessons::Lesson {
    lessons::load_builtin()
        .into_iter()
        .flatten()
        .find(|l| l.meta.id == id)
        .unwrap()
}

#[test]
fn the_good_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "lesson.md", GOOD);
    let lesson = load_file(&path).expect("good file");
    assert_eq!(lesson.meta.id, "demo");
    assert_eq!(lesson.meta.params.len(), 2);
    assert!(lesson.prose.contains("Some prose."));
    assert_eq!(
        default_values(&lesson.meta).get("temperature"),
        Some(&ParamValue::Float(1.0))
    );
}

#[test]
fn bad_toml_is_reported_at_its_line_in_the_file() {
    let text = GOOD.replace("order = 7", "order = seven");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "order = seven"), "bad TOML"),
        "{errors:?}"
    );
    // The Display form is file:line: message, counting the opening `+++` line.
    let shown = errors[0].to_string();
    assert!(shown.contains("lesson.md:5: bad TOML"), "{shown}");
}

#[test]
fn unknown_scene_is_named_with_the_known_ones() {
    let text = GOOD.replace("scene = \"softmax\"", "scene = \"sofmax\"");
    let errors = errors_of(&text);
    assert!(has(&errors, 6, "unknown scene `sofmax`"), "{errors:?}");
    assert!(errors[0].message.contains("softmax"), "{errors:?}");
}

#[test]
fn param_default_out_of_range_points_at_the_default() {
    let text = GOOD.replace("default = 1.0", "default = 9.0");
    let errors = errors_of(&text);
    assert!(
        has(
            &errors,
            line_of(&text, "default = 9.0"),
            "default 9 is outside its range, 0.1 to 5"
        ),
        "{errors:?}"
    );
}

#[test]
fn min_above_max_and_zero_step_are_reported() {
    let text = GOOD
        .replace("min = -100.0", "min = 200.0")
        .replace("step = 10.0", "step = 0.0");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "min = 200.0"), "above max"),
        "{errors:?}"
    );
    assert!(
        has(&errors, line_of(&text, "step = 0.0"), "must be above 0"),
        "{errors:?}"
    );
}

#[test]
fn missing_fields_are_each_reported() {
    let text = GOOD
        .replace("title = \"Demo\"\n", "")
        .replace("part = \"Part T — tests\"\n", "");
    let errors = errors_of(&text);
    assert!(has(&errors, 1, "missing field `title`"), "{errors:?}");
    assert!(has(&errors, 1, "missing field `part`"), "{errors:?}");
    assert_eq!(errors.len(), 2, "no echo of the same problem: {errors:?}");
    // A missing field does not hide the other problems.
    let text = text.replace("default = 1.0", "default = 9.0");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "default = 9.0"), "outside"),
        "{errors:?}"
    );
}

#[test]
fn a_missing_field_inside_an_entry_points_at_the_entry() {
    let text = GOOD.replace("view = \"bars\"\n", "");
    let errors = errors_of(&text);
    let at_entry = line_of(&text, "[[pane]]");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("missing field `view`")
                && e.line.is_some_and(|l| l == at_entry || l == at_entry + 1)),
        "{errors:?}"
    );
}

#[test]
fn pane_naming_a_result_the_scene_lacks_lists_what_it_produces() {
    let text = GOOD.replace("result = \"probabilities\"", "result = \"probs\"");
    let errors = errors_of(&text);
    assert!(
        has(
            &errors,
            line_of(&text, "result = \"probs\""),
            "does not produce"
        ),
        "{errors:?}"
    );
    assert!(errors[0].message.contains("probabilities"), "{errors:?}");
}

#[test]
fn a_view_that_cannot_draw_the_result_is_reported() {
    let text = GOOD.replace("view = \"bars\"", "view = \"line\"");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "view = \"line\""), "needs a chart"),
        "{errors:?}"
    );
}

#[test]
fn choice_answer_not_among_the_choices() {
    let text = GOOD.replace("answers = [\"yes\"]", "answers = [\"maybe\"]");
    let errors = errors_of(&text);
    assert!(
        has(
            &errors,
            line_of(&text, "answers = [\"maybe\"]"),
            "not among the choices"
        ),
        "{errors:?}"
    );
}

#[test]
fn reserved_and_duplicate_keys_are_refused() {
    assert!(RESERVED_KEYS.contains(&'q') && RESERVED_KEYS.contains(&'?'));
    let text = GOOD.replace("key = \"e\"", "key = \"q\"");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "key = \"q\""), "taken by the app"),
        "{errors:?}"
    );
    let text = GOOD.replace("key = \"e\"", "key = \"b\"");
    let errors = errors_of(&text);
    assert!(
        errors.iter().any(|e| e.message.contains("used by another")),
        "{errors:?}"
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = GOOD
        .replace("default = 1.0", "default = 9.0")
        .replace("result = \"probabilities\"", "result = \"probs\"")
        .replace("answers = [\"yes\"]", "answers = [\"maybe\"]")
        .replace("Some prose.", "")
        .replace("# Demo", "");
    let errors = errors_of(&text);
    assert!(errors.len() >= 4, "{errors:?}");
    for fragment in ["outside", "does not produce", "not among", "prose"] {
        assert!(
            errors.iter().any(|e| e.message.contains(fragment)),
            "{fragment}: {errors:?}"
        );
    }
    // A bad entry does not hide the problems of the others.
    let text = GOOD
        .replace("key = \"e\"", "key = \"ee\"")
        .replace("answers = [\"yes\"]", "answers = [\"maybe\"]");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "key = \"ee\""), "character"),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.message.contains("not among")),
        "{errors:?}"
    );
}

#[test]
fn unknown_fields_are_reported_where_they_are() {
    let text = GOOD.replace("step = 0.1", "step = 0.1\nstpe = 3");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "stpe = 3"), "unknown field `stpe`"),
        "{errors:?}"
    );
    let text = GOOD.replace("order = 7", "order = 7\nauthor = \"me\"");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "author"), "unknown field `author`"),
        "{errors:?}"
    );
}

#[test]
fn files_without_front_matter_fences_are_explained() {
    let errors = errors_of("id = \"x\"\n");
    assert!(
        has(&errors, 1, "must start with a `+++` line"),
        "{errors:?}"
    );
    let errors = errors_of("+++\nid = \"x\"\n");
    assert!(has(&errors, 1, "never closed"), "{errors:?}");
}

#[test]
fn duplicate_ids_across_a_folder_and_broken_files_keep_their_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", GOOD);
    write(dir.path(), "b.md", &GOOD.replace("order = 7", "order = 1"));
    write(
        dir.path(),
        "c.md",
        &GOOD
            .replace("id = \"demo\"", "id = \"other\"")
            .replace("order = 7", "order = 3")
            .replace("scene = \"softmax\"", "scene = \"nope\""),
    );
    write(dir.path(), "README.md", "# not a lesson\n");
    let results = load_dir(dir.path()).unwrap();
    assert_eq!(results.len(), 3, "README.md is not a lesson");
    // a.md is read first, so the duplicate is reported on b.md, which sorts first (order 1).
    let first = results[0].as_ref().unwrap_err();
    assert!(first[0].file.ends_with("b.md"), "{first:?}");
    assert!(first[0].message.contains("already used"), "{first:?}");
    // The broken c.md (order 3) keeps its place between b (1) and a (7).
    let second = results[1].as_ref().unwrap_err();
    assert!(second[0].file.ends_with("c.md"), "{second:?}");
    assert_eq!(results[2].as_ref().unwrap().meta.id, "demo");
}

#[test]
fn a_folder_that_does_not_exist_is_one_clear_error() {
    let err = load_dir(Path::new("/no/such/lessons/folder")).unwrap_err();
    assert!(err.to_string().contains("no such lessons folder"), "{err}");
}

#[test]
fn every_builtin_lesson_loads_validates_and_is_in_order() {
    let results = lessons::load_builtin();
    assert!(results.len() >= 3);
    let mut last = 0;
    for result in &results {
        let lesson = match result {
            Ok(lesson) => lesson,
            Err(errors) => panic!(
                "{}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
        assert!(lesson.meta.order > last, "sorted by order");
        last = lesson.meta.order;
        assert!(lesson.source.starts_with("builtin:"));
        assert!(!lesson.meta.checks.is_empty());
    }
    let ids: Vec<_> = results
        .iter()
        .map(|r| r.as_ref().unwrap().meta.id.clone())
        .collect();
    assert_eq!(&ids[..3], ["vectors", "projections", "softmax"]);
}

#[test]
fn the_lessons_folder_checks_clean_too() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let results = load_dir(&folder).unwrap();
    assert_eq!(results.len(), lessons::load_builtin().len(), "same files");
    for result in results {
        if let Err(errors) = result {
            panic!("{errors:?}");
        }
    }
}

#[test]
fn set_values_are_checked_against_the_declaration() {
    let meta = builtin("softmax").meta;
    assert_eq!(
        parse_set(&meta, "temperature=0.5"),
        Ok(("temperature".into(), ParamValue::Float(0.5)))
    );
    assert_eq!(
        parse_set(&meta, "temperature=1000").unwrap_err(),
        "`temperature` = 1000 is outside its range, 0.1 to 5"
    );
    assert!(
        parse_set(&meta, "temperature=hot")
            .unwrap_err()
            .contains("number")
    );
    assert!(
        parse_set(&meta, "tempo=1")
            .unwrap_err()
            .contains("temperature")
    );
    assert!(
        parse_set(&meta, "temperature")
            .unwrap_err()
            .contains("NAME=VALUE")
    );
    let vectors = builtin("vectors").meta;
    assert!(
        parse_set(&vectors, "first=trip")
            .unwrap_err()
            .contains("journey")
    );
    assert_eq!(
        parse_set(&vectors, "first=step").unwrap().1,
        ParamValue::Text("step".into())
    );
}

#[test]
fn stepping_values_stays_in_range_and_on_the_grid() {
    let softmax = builtin("softmax");
    let temp = &softmax.meta.params[0];
    let mut v = ParamValue::Float(1.0);
    for _ in 0..3 {
        v = step_value(temp, &v, true);
    }
    assert_eq!(v, ParamValue::Float(1.3));
    for _ in 0..100 {
        v = step_value(temp, &v, false);
    }
    assert_eq!(v, ParamValue::Float(0.1));
    // A value set off the grid (by --set) steps to its neighbours on the grid.
    assert_eq!(
        step_value(temp, &ParamValue::Float(0.55), true),
        ParamValue::Float(0.6)
    );
    assert_eq!(
        step_value(temp, &ParamValue::Float(0.55), false),
        ParamValue::Float(0.5)
    );
    let vectors = builtin("vectors");
    let first = &vectors.meta.params[0];
    let back = step_value(first, &ParamValue::Text("Your".into()), false);
    assert_eq!(back, ParamValue::Text("step".into()), "choices wrap around");
}

#[test]
fn check_answers_compare_as_documented() {
    let softmax = builtin("softmax");
    let typed = softmax
        .meta
        .checks
        .iter()
        .find(|c| c.choices.is_empty())
        .unwrap();
    assert!(typed.is_correct("  Forward "));
    assert!(!typed.is_correct("toward"));
    let chosen = &softmax.meta.checks[0];
    assert!(chosen.is_correct(&chosen.answers[0]));
    assert!(!chosen.is_correct(&chosen.choices[1]));
}

#[test]
fn the_readme_example_is_a_valid_lesson() {
    let readme = include_str!("../lessons/README.md");
    let start = readme.find("~~~markdown\n").expect("example block") + "~~~markdown\n".len();
    let end = start + readme[start..].find("\n~~~").expect("end of example");
    let example = &readme[start..=end];
    let lesson = lessons::load_text(example, Path::new("README example"), "readme")
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    assert_eq!(lesson.meta.id, "softmax-demo");
    assert_eq!(lesson.meta.checks.len(), 2);
}
