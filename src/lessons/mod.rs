//! The lesson file format: TOML front matter between `+++` lines, then markdown prose.
//!
//! These types are the contract between the loader (this module), the scenes (which read the
//! parameter values) and the app (which draws panes and asks the checks). The loader validates
//! a file into a [`Lesson`] or reports every problem as a [`LessonError`] with file and line.

mod load;
mod parse;
mod validate;
mod values;

pub use load::{LoadResult, is_lesson_file, load_builtin, load_dir, load_file, load_text};
pub use validate::{free_keys, view_fits, view_name};
pub use values::{default_value, default_values, format_value, parse_set, parse_value, step_value};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Keys the app itself uses, which no lesson parameter may take (nor their Shift form): moving
/// between lessons (h l n p, arrows), scrolling (j k g G), contents (t), quit (q), answering a
/// check (a, c), reset (r), help (?). Param keys must be lowercase letters so Shift steps back.
pub const RESERVED_KEYS: &[char] = &[
    'h', 'j', 'k', 'l', 'n', 'p', 't', 'q', 'a', 'c', 'r', '?', 'g', 'G',
];

/// One lesson: what the front matter declares, plus the prose after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub meta: LessonMeta,
    /// Markdown shown in the prose pane.
    pub prose: String,
    /// Where it came from: a path for authors' folders, `builtin:<file>` for compiled-in lessons.
    pub source: String,
}

/// The TOML front matter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonMeta {
    /// Stable identifier, e.g. `vectors`; used by `--lesson`, `dump` and progress.
    pub id: String,
    pub title: String,
    /// The part of the curriculum, e.g. "Part I — the maths toolkit"; groups the contents.
    pub part: String,
    /// Position in the whole course; lessons are shown sorted by it.
    pub order: u32,
    /// Name of the scene (live computation) behind this lesson; see `scenes::find`.
    pub scene: String,
    #[serde(default, rename = "param")]
    pub params: Vec<ParamSpec>,
    #[serde(default, rename = "pane")]
    pub panes: Vec<PaneSpec>,
    #[serde(default, rename = "check")]
    pub checks: Vec<Check>,
}

/// A parameter the learner changes with a key.
///
/// (No `deny_unknown_fields` here: serde does not support it together with `flatten`, where it
/// rejects every field of the kind. The loader checks the keys of each `[[param]]` itself.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    /// Shown beside the value, e.g. "temperature".
    pub label: String,
    /// The key that steps the value forward; the same key with Shift steps it back.
    pub key: char,
    #[serde(flatten)]
    pub kind: ParamKind,
}

/// The type, default and allowed values of a parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParamKind {
    Int {
        default: i64,
        min: i64,
        max: i64,
        #[serde(default = "one_i")]
        step: i64,
    },
    Float {
        default: f64,
        min: f64,
        max: f64,
        step: f64,
    },
    Choice {
        default: String,
        choices: Vec<String>,
    },
    Bool {
        default: bool,
    },
    /// Free text the learner types into a box (the key focuses the box).
    Text {
        default: String,
        #[serde(default = "max_text")]
        max_len: usize,
    },
}

fn one_i() -> i64 {
    1
}
fn max_text() -> usize {
    200
}

/// A parameter's current value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

/// Current values of a lesson's parameters, by name.
pub type ParamValues = BTreeMap<String, ParamValue>;

/// A pane: which named result of the scene to show, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaneSpec {
    /// Name of a result in the scene's output.
    pub result: String,
    pub view: View,
    /// Title over the pane; defaults to the result name.
    #[serde(default)]
    pub title: Option<String>,
}

/// How a pane draws its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Numbers in a grid with the shape in the title.
    Table,
    /// Colour cells, one per value.
    Heatmap,
    /// Attention weights with tokens on both axes, masked cells marked.
    Attention,
    /// Labelled horizontal bars for a 1-D tensor.
    Bars,
    /// Labelled points for an (n, 2) tensor.
    Scatter,
    /// A line chart of a `Value::Chart`.
    Line,
    /// A histogram of a tensor's values.
    Histogram,
    /// Wrapped text.
    Text,
    /// Tokens as coloured chips with their ids.
    Tokens,
    /// A shape trace such as (2, 6, 3) → (2, 6, 4).
    Shapes,
}

/// A check question. Answering it right marks the lesson done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub question: String,
    /// With choices the learner picks one (by number); without, they type an answer.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The right choice's text, or the accepted typed answers (compared case-insensitively,
    /// trimmed); at least one.
    pub answers: Vec<String>,
    /// Shown after answering, right or wrong: the why.
    pub explanation: String,
}

impl Check {
    /// Whether `answer` is right: for a choice question, the chosen choice's text; otherwise a
    /// typed answer compared with each accepted answer, trimmed and case-insensitively.
    pub fn is_correct(&self, answer: &str) -> bool {
        let given = answer.trim();
        if self.choices.is_empty() {
            self.answers
                .iter()
                .any(|a| a.trim().to_lowercase() == given.to_lowercase())
        } else {
            self.answers.iter().any(|a| a == given)
        }
    }
}

/// A problem in a lesson file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: PathBuf,
    /// 1-based line, when it can be told.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for LessonError {}
