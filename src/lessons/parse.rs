//! From a lesson file's text to a [`Lesson`] plus the line of every field, or every problem found.
//!
//! The front matter is parsed once into a spanned TOML tree; each top-level field and each
//! `[[param]]`, `[[pane]]` and `[[check]]` entry is then deserialized on its own, so one bad entry
//! does not hide the problems in the others.

use super::{Check, Lesson, LessonError, LessonMeta, PaneSpec, ParamSpec};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The line of a `[[param]]`, `[[pane]]` or `[[check]]` entry and of each of its keys.
#[derive(Clone, Debug, Default)]
pub(crate) struct EntryLines {
    pub start: usize,
    pub keys: BTreeMap<String, usize>,
}

impl EntryLines {
    /// The line of `key` in this entry, or the entry's first line when the key is absent.
    pub fn of(&self, key: &str) -> usize {
        self.keys.get(key).copied().unwrap_or(self.start)
    }
}

/// Where each part of a parsed lesson sits in its file (1-based lines), for later checks.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lines {
    pub top: BTreeMap<String, usize>,
    pub params: Vec<EntryLines>,
    pub panes: Vec<EntryLines>,
    pub checks: Vec<EntryLines>,
    /// First line of the prose.
    pub prose: usize,
}

impl Lines {
    /// The line of a top-level key, or line 1 (the opening `+++`).
    pub fn top(&self, key: &str) -> usize {
        self.top.get(key).copied().unwrap_or(1)
    }
}

/// A lesson as parsed, before the checks that need other files or the scenes.
pub(crate) struct Parsed {
    pub lesson: Lesson,
    pub lines: Lines,
    /// Problems found while reading the entries; a bad entry is left out of `lesson`, so the
    /// other entries can still be checked.
    pub problems: Vec<LessonError>,
    /// Required top-level fields that are missing or could not be read (reported already).
    pub unread: Vec<&'static str>,
    /// The `order`, if it could be read (a broken lesson is still sorted into its place).
    pub order: Option<u32>,
    /// Whether every `[[param]]` entry was read (else the scene cannot be run fairly).
    pub params_complete: bool,
}

/// What parsing found: the lesson, or every problem plus the `order` if it could be read (so a
/// broken lesson can still be shown in its place).
pub(crate) type ParseResult = Result<Parsed, (Vec<LessonError>, Option<u32>)>;

const TOP_KEYS: &[&str] = &[
    "id", "title", "part", "order", "scene", "param", "pane", "check",
];
const REQUIRED: &[&str] = &["id", "title", "part", "order", "scene"];

/// Maps byte offsets in the front matter to lines in the whole file.
struct LineMap<'a> {
    file_text: &'a str,
    /// Byte offset of the front matter within the file.
    front_start: usize,
}

impl LineMap<'_> {
    fn line(&self, front_offset: usize) -> usize {
        let end = (self.front_start + front_offset).min(self.file_text.len());
        self.file_text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

/// Parses one lesson file's text. `file` names it in errors; `source` is stored in the lesson.
pub(crate) fn parse(text: &str, file: &Path, source: &str) -> ParseResult {
    let err = |line: usize, message: String| LessonError {
        file: file.to_path_buf(),
        line: Some(line),
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    // Split: `+++` line, front matter, `+++` line, prose.
    let mut offset = 0;
    let mut fences = Vec::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "+++" {
            fences.push((index + 1, offset, offset + line.len()));
            if fences.len() == 2 {
                break;
            }
        } else if index == 0 {
            break;
        }
        offset += line.len();
    }
    if fences.first().is_none_or(|f| f.0 != 1) {
        let message = "a lesson file must start with a `+++` line, then the TOML front matter, \
                       then another `+++` line, then the prose";
        return Err((vec![err(1, message.into())], None));
    }
    if fences.len() < 2 {
        let message = "the front matter is never closed: add a `+++` line after it";
        return Err((vec![err(1, message.into())], None));
    }
    let (_, _, front_start) = fences[0];
    let (close_line, front_end, prose_start) = fences[1];
    let front = &text[front_start..front_end];
    let prose = &text[prose_start..];
    let map = LineMap {
        file_text: text,
        front_start,
    };
    let span_line = |span: Range<usize>| map.line(span.start);

    let (doc, syntax_errors) = DeTable::parse_recoverable(front);
    if !syntax_errors.is_empty() {
        let errors = syntax_errors
            .iter()
            .map(|e| {
                let line = e.span().map_or(1, span_line);
                err(line, format!("bad TOML: {}", e.message().trim()))
            })
            .collect();
        return Err((errors, None));
    }
    let doc = doc.into_inner();

    let mut errors = Vec::new();
    let mut lines = Lines {
        prose: close_line + 1,
        ..Lines::default()
    };
    for (key, _) in doc.iter() {
        lines
            .top
            .insert(key.get_ref().to_string(), span_line(key.span()));
        if !TOP_KEYS.contains(&key.get_ref().as_ref()) {
            errors.push(err(
                span_line(key.span()),
                format!(
                    "unknown field `{}`; the front matter knows: {}",
                    key.get_ref(),
                    TOP_KEYS.join(", ")
                ),
            ));
        }
    }
    for key in REQUIRED {
        if doc.get(*key).is_none() {
            errors.push(err(1, format!("missing field `{key}` in the front matter")));
        }
    }

    let text_field = |key: &str, errors: &mut Vec<LessonError>| -> Option<String> {
        doc.get(key)
            .and_then(|v| field::<String>(v, &format!("`{key}`"), &span_line, errors, file))
    };
    let id = text_field("id", &mut errors);
    let title = text_field("title", &mut errors);
    let part = text_field("part", &mut errors);
    let scene = text_field("scene", &mut errors);
    let order = doc
        .get("order")
        .and_then(|v| field::<u32>(v, "`order`", &span_line, &mut errors, file));

    let (params, param_lines) = entries::<ParamSpec>(&doc, "param", &span_line, &mut errors, file);
    let params_complete = doc
        .get("param")
        .and_then(|v| v.get_ref().as_array())
        .is_none_or(|a| a.len() == params.len());
    let (panes, pane_lines) = entries::<PaneSpec>(&doc, "pane", &span_line, &mut errors, file);
    let (checks, check_lines) = entries::<Check>(&doc, "check", &span_line, &mut errors, file);
    lines.params = param_lines;
    lines.panes = pane_lines;
    lines.checks = check_lines;

    if prose.trim().is_empty() {
        errors.push(err(
            lines.prose.min(map.line(text.len())),
            "the prose after the front matter is empty: write the lesson there".into(),
        ));
    }

    // Missing or unreadable top-level fields are reported above; the rest is still checked,
    // with empty stand-ins that the validator skips (see `Parsed::unread`).
    let unread: Vec<&'static str> = [
        ("id", id.is_none()),
        ("title", title.is_none()),
        ("part", part.is_none()),
        ("order", order.is_none()),
        ("scene", scene.is_none()),
    ]
    .into_iter()
    .filter_map(|(key, none)| none.then_some(key))
    .collect();
    Ok(Parsed {
        lesson: Lesson {
            meta: LessonMeta {
                id: id.unwrap_or_default(),
                title: title.unwrap_or_default(),
                part: part.unwrap_or_default(),
                order: order.unwrap_or(u32::MAX),
                scene: scene.unwrap_or_default(),
                params,
                panes,
                checks,
            },
            prose: prose.to_string(),
            source: source.to_string(),
        },
        order,
        unread,
        lines,
        problems: errors,
        params_complete,
    })
}

/// Deserializes one value, recording an error at its line on failure.
fn field<'de, T: Deserialize<'de>>(
    value: &Spanned<DeValue<'de>>,
    what: &str,
    span_line: &dyn Fn(Range<usize>) -> usize,
    errors: &mut Vec<LessonError>,
    file: &Path,
) -> Option<T> {
    match T::deserialize(value.clone().into_deserializer()) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = span_line(e.span().unwrap_or_else(|| value.span()));
            errors.push(LessonError {
                file: file.to_path_buf(),
                line: Some(line),
                message: format!("{what}: {}", e.message().trim()),
            });
            None
        }
    }
}

/// Each entry of an array of tables on its own, with the lines of its keys.
fn entries<'de, T: Deserialize<'de>>(
    doc: &DeTable<'de>,
    key: &str,
    span_line: &dyn Fn(Range<usize>) -> usize,
    errors: &mut Vec<LessonError>,
    file: &Path,
) -> (Vec<T>, Vec<EntryLines>) {
    let mut items = Vec::new();
    let mut item_lines = Vec::new();
    let Some(value) = doc.get(key) else {
        return (items, item_lines);
    };
    let Some(array) = value.get_ref().as_array() else {
        errors.push(LessonError {
            file: file.to_path_buf(),
            line: Some(span_line(value.span())),
            message: format!("`{key}` must be a list of tables, written as [[{key}]] sections"),
        });
        return (items, item_lines);
    };
    for (index, entry) in array.iter().enumerate() {
        let mut lines = EntryLines {
            start: span_line(entry.span()),
            keys: BTreeMap::new(),
        };
        if let Some(table) = entry.get_ref().as_table() {
            for (k, _) in table.iter() {
                lines
                    .keys
                    .insert(k.get_ref().to_string(), span_line(k.span()));
            }
            // The entry's span may start at its first key; the header is the line above.
            if let Some(first) = lines.keys.values().min() {
                lines.start = lines.start.min(*first);
            }
        }
        let what = format!("[[{key}]] number {}", index + 1);
        if key == "param" {
            unknown_param_keys(entry, &what, span_line, errors, file);
        }
        if let Some(item) = field::<T>(entry, &what, span_line, errors, file) {
            items.push(item);
            item_lines.push(lines);
        }
    }
    (items, item_lines)
}

/// The keys a `[[param]]` of each type may have. `ParamSpec` flattens its kind, which serde cannot
/// combine with `deny_unknown_fields`, so unknown keys are caught here instead.
fn unknown_param_keys(
    entry: &Spanned<DeValue<'_>>,
    what: &str,
    span_line: &dyn Fn(Range<usize>) -> usize,
    errors: &mut Vec<LessonError>,
    file: &Path,
) {
    let Some(table) = entry.get_ref().as_table() else {
        return;
    };
    let kind_keys: &[&str] = match table.get("type").and_then(|t| t.get_ref().as_str()) {
        Some("int") | Some("float") => &["default", "min", "max", "step"],
        Some("choice") => &["default", "choices"],
        Some("bool") => &["default"],
        Some("text") => &["default", "max_len"],
        _ => return, // a missing or unknown type is reported by the deserializer
    };
    let common = ["name", "label", "key", "type"];
    for (k, _) in table.iter() {
        let name = k.get_ref().as_ref();
        if !common.contains(&name) && !kind_keys.contains(&name) {
            errors.push(LessonError {
                file: file.to_path_buf(),
                line: Some(span_line(k.span())),
                message: format!(
                    "{what}: unknown field `{name}`; this type takes: {}, {}",
                    common.join(", "),
                    kind_keys.join(", ")
                ),
            });
        }
    }
}
