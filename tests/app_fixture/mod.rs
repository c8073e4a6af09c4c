//! Hand-made lessons and a scene for the app, UI and progress tests: stable, whatever the real
//! lessons say.
#![allow(dead_code)]

use llm_lab::app::progress::{Progress, ProgressStore};
use llm_lab::app::runner::Runner;
use llm_lab::app::{App, AppEvent, AppOptions, LessonSlot};
use llm_lab::lessons::{
    Check, Lesson, LessonError, LessonMeta, PaneSpec, ParamKind, ParamSpec, ParamValue,
    ParamValues, View,
};
use llm_lab::results::{SceneOutput, Series, Tensor, Value};
use llm_lab::scenes::{Scene, SceneContext, SceneError};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// A scene that turns its parameters into a few results of every kind.
pub struct FixtureScene;

impl Scene for FixtureScene {
    fn name(&self) -> &'static str {
        "fixture"
    }
    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError> {
        let n = match params.get("n") {
            Some(ParamValue::Int(n)) => *n as usize,
            _ => 3,
        };
        let scale = match params.get("scale") {
            Some(ParamValue::Float(s)) => *s as f32,
            _ => 1.0,
        };
        let words = match params.get("words") {
            Some(ParamValue::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let data: Vec<f32> = (0..n * 2)
            .map(|i| (i as f32 - 1.5) * 0.25 * scale + ctx.seed as f32 * 0.001)
            .collect();
        let labels: Vec<String> = (0..n).map(|i| format!("tok{i}")).collect();
        let grid = Tensor::new(vec![n, 2], data.clone())
            .with_axes(&["token", "dim"])
            .with_labels(0, labels.clone())
            .with_labels(1, vec!["x".into(), "y".into()]);
        let bars = Tensor::new(vec![n], data[..n].to_vec())
            .with_axes(&["token"])
            .with_labels(0, labels);
        let wide = Tensor::new(vec![2, 12], (0..24).map(|i| i as f32 * 0.123_456).collect())
            .with_axes(&["row", "feature"]);
        let mut out = SceneOutput::default();
        out.push("wide", Value::Tensor(wide));
        out.push("grid", Value::Tensor(grid));
        out.push("bars", Value::Tensor(bars));
        out.push(
            "note",
            Value::Text(format!(
                "{n} rows scaled by {scale}; the words are \"{words}\" ({} characters).",
                words.chars().count()
            )),
        );
        out.push(
            "curve",
            Value::Chart {
                series: vec![Series {
                    name: "scale·x²".into(),
                    points: (0..20)
                        .map(|i| (i as f64, (i * i) as f64 * scale as f64))
                        .collect(),
                }],
                x_label: "x".into(),
                y_label: "y".into(),
            },
        );
        Ok(out)
    }
}

/// A scene that refuses its inputs.
pub struct RefusingScene;

impl Scene for RefusingScene {
    fn name(&self) -> &'static str {
        "refusing"
    }
    fn compute(&self, _: &ParamValues, _: &SceneContext) -> Result<SceneOutput, SceneError> {
        Err(SceneError(
            "the corpus is empty; give --corpus a file with some text".into(),
        ))
    }
}

/// A scene with a bug.
pub struct PanickingScene;

impl Scene for PanickingScene {
    fn name(&self) -> &'static str {
        "panicking"
    }
    fn compute(&self, _: &ParamValues, _: &SceneContext) -> Result<SceneOutput, SceneError> {
        panic!("index 7 out of range")
    }
}

pub static PANICKING: PanickingScene = PanickingScene;
pub static FIXTURE: FixtureScene = FixtureScene;
pub static REFUSING: RefusingScene = RefusingScene;

pub fn scenes(name: &str) -> Option<&'static dyn Scene> {
    match name {
        "fixture" => Some(&FIXTURE),
        "refusing" => Some(&REFUSING),
        "panicking" => Some(&PANICKING),
        _ => None,
    }
}

fn spec(name: &str, label: &str, key: char, kind: ParamKind) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        label: label.into(),
        key,
        kind,
    }
}

fn pane(result: &str, view: View, title: &str) -> PaneSpec {
    PaneSpec {
        result: result.into(),
        view,
        title: Some(title.into()),
    }
}

const PROSE: &str = "# Numbers in a grid\n\nA *tensor* is a grid of numbers with a **shape**. \
The pane on the right shows one; press `d` to add a row.\n\n- one row per token\n- one \
column per dimension, which is a long line so that it wraps onto the next row of the pane\n\n\
```\nshape = (n, 2)\n```\n\n## Why it matters\n\nEvery lesson after this one reads tensors.\n";

/// Lesson 1: every kind of parameter, four panes, a choice check and a typed check.
pub fn grid_lesson() -> Lesson {
    Lesson {
        meta: LessonMeta {
            id: "grid".into(),
            title: "Numbers in a grid".into(),
            part: "Part I — warming up".into(),
            order: 1,
            scene: "fixture".into(),
            params: vec![
                spec(
                    "n",
                    "rows",
                    'd',
                    ParamKind::Int {
                        default: 3,
                        min: 1,
                        max: 5,
                        step: 1,
                    },
                ),
                spec(
                    "scale",
                    "scale",
                    'e',
                    ParamKind::Float {
                        default: 1.0,
                        min: 0.5,
                        max: 1.5,
                        step: 0.25,
                    },
                ),
                spec(
                    "mode",
                    "mode",
                    'm',
                    ParamKind::Choice {
                        default: "plain".into(),
                        choices: vec!["plain".into(), "scaled".into(), "signed".into()],
                    },
                ),
                spec(
                    "causal",
                    "causal mask",
                    'u',
                    ParamKind::Bool { default: false },
                ),
                spec(
                    "words",
                    "your words",
                    'w',
                    ParamKind::Text {
                        default: "one step".into(),
                        max_len: 12,
                    },
                ),
            ],
            panes: vec![
                pane("grid", View::Table, "The grid"),
                pane("bars", View::Bars, "First column as bars"),
                pane("note", View::Text, "What changed"),
                pane("curve", View::Line, "A curve"),
            ],
            checks: vec![
                Check {
                    question: "How many numbers does a (3, 2) tensor hold?".into(),
                    choices: vec!["5".into(), "6".into(), "9".into()],
                    answers: vec!["6".into()],
                    explanation: "3 rows of 2 numbers: 3 × 2 = 6.".into(),
                },
                Check {
                    question: "Type the name of the grid's second axis.".into(),
                    choices: vec![],
                    answers: vec!["dim".into()],
                    explanation: "The axes are named token and dim.".into(),
                },
            ],
        },
        prose: PROSE.into(),
        source: "test:grid".into(),
    }
}

/// Lesson 2: a heatmap view (drawn as a table for now) and no parameters.
pub fn heat_lesson() -> Lesson {
    Lesson {
        meta: LessonMeta {
            id: "heat".into(),
            title: "Colours for numbers".into(),
            part: "Part I — warming up".into(),
            order: 2,
            scene: "fixture".into(),
            params: vec![],
            panes: vec![
                pane("grid", View::Heatmap, "The grid as heat"),
                pane("wide", View::Table, "Twelve features"),
            ],
            checks: vec![],
        },
        prose: "A heatmap colours each number.".into(),
        source: "test:heat".into(),
    }
}

/// Lesson 4: a scene that refuses its input.
pub fn refusing_lesson() -> Lesson {
    Lesson {
        meta: LessonMeta {
            id: "refuse".into(),
            title: "A scene that says no".into(),
            part: "Part II — when things go wrong".into(),
            order: 4,
            scene: "refusing".into(),
            params: vec![],
            panes: vec![pane("anything", View::Table, "Nothing to see")],
            checks: vec![],
        },
        prose: "The pane shows the scene's message.".into(),
        source: "test:refuse".into(),
    }
}

/// A broken lesson file, in third place.
pub fn broken() -> LessonSlot {
    Err(vec![LessonError {
        file: PathBuf::from("lessons/03-broken.md"),
        line: Some(7),
        message: "unknown scene `nosuch`; known scenes: fixture".into(),
    }])
}

pub fn lessons() -> Vec<LessonSlot> {
    vec![
        Ok(grid_lesson()),
        Ok(heat_lesson()),
        broken(),
        Ok(refusing_lesson()),
    ]
}

/// An app on the fixture lessons at a size, with a runner that keeps progress in memory.
pub fn app_at(size: (u16, u16)) -> (App, Runner) {
    app_with(size, Progress::default(), ProgressStore::memory())
}

pub fn app_with(size: (u16, u16), progress: Progress, store: ProgressStore) -> (App, Runner) {
    let options = AppOptions {
        size,
        ..AppOptions::default()
    };
    let mut app = App::new(lessons(), progress, options);
    let mut runner = Runner::new(store, scenes);
    let start = app.start();
    runner.run(&mut app, start);
    (app, runner)
}

pub fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> AppEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    AppEvent::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

pub fn ctrl(c: char) -> AppEvent {
    AppEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Sends events one after another.
pub fn send(app: &mut App, runner: &mut Runner, events: impl IntoIterator<Item = AppEvent>) {
    for e in events {
        runner.dispatch(app, e);
    }
}

/// Types a string key by key.
pub fn type_text(app: &mut App, runner: &mut Runner, text: &str) {
    send(app, runner, text.chars().map(ch));
}

pub fn param(app: &App, name: &str) -> ParamValue {
    app.current_params()
        .and_then(|p| p.get(name))
        .cloned()
        .expect("param exists")
}

/// The real, built-in lessons opened at `lesson`, with progress kept in memory.
pub fn open_builtin(lesson: &str, size: (u16, u16)) -> (App, Runner) {
    let options = AppOptions {
        start_lesson: Some(lesson.into()),
        size,
        ..AppOptions::default()
    };
    let mut app = App::new(
        llm_lab::lessons::load_builtin(),
        Progress::default(),
        options,
    );
    let mut runner = Runner::new(ProgressStore::memory(), llm_lab::scenes::find);
    let start = app.start();
    runner.run(&mut app, start);
    (app, runner)
}
