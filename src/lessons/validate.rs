//! The checks a parsed lesson must pass: ranges, keys, the scene and the results its panes show,
//! the check questions. Every problem is collected, with the line it is on.

use super::parse::{Lines, Parsed};
use super::{
    LessonError, LessonMeta, ParamKind, ParamValue, ParamValues, RESERVED_KEYS, View,
    default_value, default_values,
};
use crate::results::Value;
use crate::scenes::{self, SceneContext};
use std::collections::BTreeSet;
use std::path::Path;

/// Every problem in one parsed lesson, in file order.
pub(crate) fn validate(parsed: &Parsed, file: &Path) -> Vec<LessonError> {
    let mut errors = Vec::new();
    let mut report = |line: usize, message: String| {
        errors.push(LessonError {
            file: file.to_path_buf(),
            line: Some(line),
            message,
        })
    };
    let meta = &parsed.lesson.meta;
    let lines: &Lines = &parsed.lines;

    // A field missing from the file was reported by the parser; it is not checked again here.
    let present = |key: &str| !parsed.unread.contains(&key);
    if present("id") && meta.id.is_empty()
        || !meta
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        report(
            lines.top("id"),
            format!(
                "id `{}` must be non-empty and use only a-z, 0-9, `-` and `_` (it is typed on the command line)",
                meta.id
            ),
        );
    }
    for (key, value) in [("title", &meta.title), ("part", &meta.part)] {
        if present(key) && value.trim().is_empty() {
            report(lines.top(key), format!("`{key}` is empty"));
        }
    }

    // Parameters.
    let mut params_ok = true;
    let mut names = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for (spec, at) in meta.params.iter().zip(&lines.params) {
        let mut bad = |line: usize, message: String| {
            params_ok = false;
            report(line, format!("param `{}`: {message}", spec.name));
        };
        let valid_name = !spec.name.is_empty()
            && spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            bad(
                at.of("name"),
                "the name must be non-empty and use only letters, digits and `_`".into(),
            );
        }
        if !names.insert(spec.name.clone()) {
            bad(at.of("name"), "another param already has this name".into());
        }
        let key = spec.key;
        if !key.is_ascii_lowercase() {
            bad(
                at.of("key"),
                format!(
                    "key `{key}` must be a lowercase letter a-z (Shift with it steps the value back)"
                ),
            );
        } else if RESERVED_KEYS.contains(&key) || RESERVED_KEYS.contains(&key.to_ascii_uppercase())
        {
            bad(
                at.of("key"),
                format!(
                    "key `{key}` is taken by the app (reserved: {}); free keys: {}",
                    reserved_list(),
                    free_keys()
                ),
            );
        }
        if !keys.insert(key) {
            bad(
                at.of("key"),
                format!("key `{key}` is used by another param"),
            );
        }
        match &spec.kind {
            ParamKind::Int {
                default,
                min,
                max,
                step,
            } => {
                if min > max {
                    bad(at.of("min"), format!("min {min} is above max {max}"));
                } else if default < min || default > max {
                    bad(
                        at.of("default"),
                        format!("default {default} is outside its range, {min} to {max}"),
                    );
                }
                if *step <= 0 {
                    bad(at.of("step"), format!("step {step} must be above 0"));
                }
            }
            ParamKind::Float {
                default,
                min,
                max,
                step,
            } => {
                if ![default, min, max, step].iter().all(|v| v.is_finite()) {
                    bad(at.start, "default, min, max and step must be finite".into());
                } else if min > max {
                    bad(at.of("min"), format!("min {min} is above max {max}"));
                } else if default < min || default > max {
                    bad(
                        at.of("default"),
                        format!("default {default} is outside its range, {min} to {max}"),
                    );
                }
                if step.is_nan() || *step <= 0.0 {
                    bad(at.of("step"), format!("step {step} must be above 0"));
                }
            }
            ParamKind::Choice { default, choices } => {
                if choices.is_empty() {
                    bad(
                        at.of("choices"),
                        "choices is empty: list at least one".into(),
                    );
                } else if !choices.contains(default) {
                    bad(
                        at.of("default"),
                        format!(
                            "default `{default}` is not among the choices ({})",
                            choices.join(", ")
                        ),
                    );
                }
                let unique: BTreeSet<_> = choices.iter().collect();
                if unique.len() != choices.len() {
                    bad(at.of("choices"), "a choice is listed twice".into());
                }
            }
            ParamKind::Bool { .. } => {}
            ParamKind::Text { default, max_len } => {
                if *max_len == 0 {
                    bad(at.of("max_len"), "max_len must be above 0".into());
                } else if default.chars().count() > *max_len {
                    bad(
                        at.of("default"),
                        format!("default is longer than max_len {max_len}"),
                    );
                }
            }
        }
    }

    // The scene, and the results the panes show.
    if meta.panes.is_empty() && !lines.top.contains_key("pane") {
        report(
            lines.top("scene"),
            "no panes: add at least one [[pane]] showing a result of the scene".into(),
        );
    }
    match scenes::find(&meta.scene) {
        None if !present("scene") => {}
        None => report(
            lines.top("scene"),
            format!(
                "unknown scene `{}`; known scenes: {}",
                meta.scene,
                scenes::ALL
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        // Only a fully read lesson is run: a left-out param would make the scene refuse.
        Some(scene) if parsed.params_complete => {
            // Bad defaults are reported above; run with them pulled into range so the panes
            // can still be checked.
            let values = if params_ok {
                default_values(meta)
            } else {
                repaired_defaults(meta)
            };
            match scene.compute(&values, &SceneContext::default()) {
                Err(e) => report(
                    lines.top("scene"),
                    format!("scene `{}` refuses the default parameters: {e}", meta.scene),
                ),
                Ok(output) => {
                    let produced: Vec<&str> =
                        output.results.iter().map(|(n, _)| n.as_str()).collect();
                    for (pane, at) in meta.panes.iter().zip(&lines.panes) {
                        match output.get(&pane.result) {
                            None => report(
                                at.of("result"),
                                format!(
                                    "pane shows `{}`, which scene `{}` does not produce; it produces: {}",
                                    pane.result,
                                    meta.scene,
                                    produced.join(", ")
                                ),
                            ),
                            Some(value) => {
                                if let Err(why) = view_fits(pane.view, value) {
                                    report(at.of("view"), format!("pane `{}`: {why}", pane.result));
                                }
                            }
                        }
                    }
                }
            }
        }
        Some(_) => {} // a param could not be read; running the scene would only add noise
    }

    // Check questions.
    if meta.checks.is_empty() && !lines.top.contains_key("check") {
        report(
            1,
            "no check questions: add at least one [[check]] (answering it marks the lesson done)"
                .into(),
        );
    }
    for (index, (check, at)) in meta.checks.iter().zip(&lines.checks).enumerate() {
        let n = index + 1;
        if check.question.trim().is_empty() {
            report(
                at.of("question"),
                format!("check {n}: the question is empty"),
            );
        }
        if check.explanation.trim().is_empty() {
            report(
                at.of("explanation"),
                format!("check {n}: the explanation is empty"),
            );
        }
        if check.answers.iter().all(|a| a.trim().is_empty()) {
            report(
                at.of("answers"),
                format!("check {n}: give at least one non-empty answer"),
            );
        }
        if !check.choices.is_empty() {
            if check.choices.len() < 2 {
                report(
                    at.of("choices"),
                    format!("check {n}: offer at least two choices"),
                );
            }
            if check.choices.len() > 9 {
                report(
                    at.of("choices"),
                    format!("check {n}: at most 9 choices (they are picked with keys 1-9)"),
                );
            }
            for answer in &check.answers {
                if !check.choices.contains(answer) {
                    report(
                        at.of("answers"),
                        format!(
                            "check {n}: answer `{answer}` is not among the choices ({})",
                            check.choices.join(" | ")
                        ),
                    );
                }
            }
        }
    }
    errors
}

/// Whether a view can draw a value; the reason when it cannot.
pub fn view_fits(view: View, value: &Value) -> Result<(), String> {
    let rank = match value {
        Value::Tensor(t) => Some(t.shape.len()),
        _ => None,
    };
    let ok = match view {
        View::Table | View::Histogram => rank.is_some(),
        View::Heatmap | View::Attention => rank == Some(2),
        View::Bars => rank == Some(1),
        View::Scatter => matches!(value, Value::Tensor(t) if t.shape.len() == 2 && t.shape[1] == 2),
        View::Line => matches!(value, Value::Chart { .. }),
        View::Text => matches!(value, Value::Text(_)),
        View::Tokens | View::Shapes => !matches!(value, Value::Chart { .. }),
    };
    if ok {
        return Ok(());
    }
    let has = match value {
        Value::Tensor(t) => format!("a tensor of shape {:?}", t.shape),
        Value::Chart { .. } => "a chart".to_string(),
        Value::Text(_) => "text".to_string(),
    };
    let needs = match view {
        View::Table | View::Histogram => "a tensor",
        View::Heatmap | View::Attention => "a 2-D tensor",
        View::Bars => "a 1-D tensor",
        View::Scatter => "an (n, 2) tensor",
        View::Line => "a chart",
        View::Text => "text",
        View::Tokens | View::Shapes => "a tensor or text",
    };
    Err(format!(
        "view `{}` needs {needs}, but the result is {has}",
        view_name(view)
    ))
}

/// The name of a view as written in lesson files.
pub fn view_name(view: View) -> &'static str {
    match view {
        View::Table => "table",
        View::Heatmap => "heatmap",
        View::Attention => "attention",
        View::Bars => "bars",
        View::Scatter => "scatter",
        View::Line => "line",
        View::Histogram => "histogram",
        View::Text => "text",
        View::Tokens => "tokens",
        View::Shapes => "shapes",
    }
}

fn reserved_list() -> String {
    RESERVED_KEYS
        .iter()
        .collect::<Vec<_>>()
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lowercase letters a param may use: neither they nor their Shift form are reserved.
pub fn free_keys() -> String {
    ('a'..='z')
        .filter(|c| !RESERVED_KEYS.contains(c) && !RESERVED_KEYS.contains(&c.to_ascii_uppercase()))
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Problems across a folder: ids used by more than one lesson (reported on the later file).
pub(crate) fn duplicate_ids(parsed: &[(&Parsed, &Path)]) -> Vec<(usize, LessonError)> {
    let mut seen: std::collections::BTreeMap<&str, &Path> = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for (index, (p, file)) in parsed.iter().enumerate() {
        let id = p.lesson.meta.id.as_str();
        if id.is_empty() {
            continue; // missing, reported already
        }
        if let Some(first) = seen.get(id) {
            errors.push((
                index,
                LessonError {
                    file: file.to_path_buf(),
                    line: Some(p.lines.top("id")),
                    message: format!("id `{id}` is already used by {}", first.display()),
                },
            ));
        } else {
            seen.insert(id, file);
        }
    }
    errors
}

/// The defaults, each pulled inside its declared range or choices where it is not.
fn repaired_defaults(meta: &LessonMeta) -> ParamValues {
    meta.params
        .iter()
        .map(|p| {
            let value = match &p.kind {
                ParamKind::Int {
                    default, min, max, ..
                } if min <= max => ParamValue::Int((*default).clamp(*min, *max)),
                ParamKind::Float {
                    default, min, max, ..
                } if min <= max && default.is_finite() => {
                    ParamValue::Float(default.clamp(*min, *max))
                }
                ParamKind::Choice { default, choices }
                    if !choices.contains(default) && !choices.is_empty() =>
                {
                    ParamValue::Text(choices[0].clone())
                }
                kind => default_value(kind),
            };
            (p.name.clone(), value)
        })
        .collect()
}
