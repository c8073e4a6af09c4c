//! `llm-lab dump LESSON_ID [--set NAME=VALUE]... [--seed N]`: every result of a lesson's scene as
//! JSON, for scripts, tests and teachers preparing slides.
//!
//! The output is one JSON object:
//!
//! ```text
//! { "lesson": "softmax", "scene": "softmax", "seed": 42,
//!   "params": { "temperature": 1.0, "shift": 0.0 },
//!   "results": [
//!     { "name": "probabilities", "kind": "tensor", "shape": [9], "axes": ["word"],
//!       "labels": [["closer", "every", ...]], "data": [0.0609, ...] },
//!     { "name": "argmax", "kind": "text", "text": "forward" },
//!     { "name": "loss", "kind": "chart", "x_label": "step", "y_label": "loss",
//!       "series": [{ "name": "train", "points": [[0, 10.9], ...] }] } ] }
//! ```
//!
//! Tensor data is row-major; `labels` has one entry per axis, `null` where an axis has none.
//! A value that is not finite (an overflowed exp, say) is written as `null`.

use crate::lessons::{self, ParamValues};
use crate::results::{Series, Value};
use crate::scenes::{self, SceneContext};
use clap::Args;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The lesson, by id (see `llm-lab lessons list`).
    pub lesson_id: String,
    /// Set a parameter, e.g. --set temperature=0.5 (repeatable); checked against the lesson's
    /// range or choices.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// The global `--corpus FILE` and `--tokenizer FILE`, filled in by the CLI for the scenes.
    #[arg(skip)]
    pub corpus: Option<std::path::PathBuf>,
    #[arg(skip)]
    pub tokenizer: Option<std::path::PathBuf>,
}

/// The whole dump.
#[derive(Debug, Serialize)]
pub struct Dump {
    pub lesson: String,
    pub scene: String,
    pub seed: u64,
    pub params: ParamValues,
    pub results: Vec<DumpResult>,
}

/// One named result.
#[derive(Debug, Serialize)]
pub struct DumpResult {
    pub name: String,
    #[serde(flatten)]
    pub value: DumpValue,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DumpValue {
    Tensor {
        shape: Vec<usize>,
        axes: Vec<String>,
        labels: Vec<Option<Vec<String>>>,
        /// Row-major; non-finite values become `null`.
        data: Vec<Option<f32>>,
    },
    Chart {
        x_label: String,
        y_label: String,
        series: Vec<Series>,
    },
    Text {
        text: String,
    },
}

impl From<&Value> for DumpValue {
    fn from(value: &Value) -> Self {
        match value {
            Value::Tensor(t) => DumpValue::Tensor {
                shape: t.shape.clone(),
                axes: t.axes.clone(),
                labels: t.labels.clone(),
                data: t.data.iter().map(|v| v.is_finite().then_some(*v)).collect(),
            },
            Value::Chart {
                series,
                x_label,
                y_label,
            } => DumpValue::Chart {
                x_label: x_label.clone(),
                y_label: y_label.clone(),
                series: series.clone(),
            },
            Value::Text(text) => DumpValue::Text { text: text.clone() },
        }
    }
}

/// Computes the dump of one lesson; every failure is one line.
pub fn dump(
    lesson_id: &str,
    sets: &[String],
    ctx: SceneContext,
    lessons_dir: Option<&Path>,
) -> anyhow::Result<Dump> {
    let seed = ctx.seed;
    let loaded = super::lessons::load_lessons(lessons_dir)?;
    let lesson = loaded
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .find(|l| l.meta.id == lesson_id);
    let Some(lesson) = lesson else {
        let ids: Vec<&str> = loaded
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|l| l.meta.id.as_str())
            .collect();
        let broken = loaded.iter().filter(|r| r.is_err()).count();
        let hint = if broken > 0 {
            format!(
                "; {broken} lesson file(s) could not be loaded, perhaps this one (`llm-lab lessons check DIR` shows why)"
            )
        } else {
            String::new()
        };
        anyhow::bail!(
            "no lesson `{lesson_id}`; the lessons are: {} (see `llm-lab lessons list`){hint}",
            ids.join(", ")
        );
    };
    let mut params = lessons::default_values(&lesson.meta);
    for set in sets {
        let (name, value) =
            lessons::parse_set(&lesson.meta, set).map_err(|e| anyhow::anyhow!("{e}"))?;
        params.insert(name, value);
    }
    let scene = scenes::find(&lesson.meta.scene)
        .ok_or_else(|| anyhow::anyhow!("lesson `{lesson_id}` names an unknown scene"))?;
    let output = scene
        .compute(&params, &ctx)
        .map_err(|e| anyhow::anyhow!("scene `{}`: {e}", scene.name()))?;
    Ok(Dump {
        lesson: lesson.meta.id.clone(),
        scene: scene.name().to_string(),
        seed,
        params,
        results: output
            .results
            .iter()
            .map(|(name, value)| DumpResult {
                name: name.clone(),
                value: value.into(),
            })
            .collect(),
    })
}

pub fn run(args: &DumpArgs, seed: u64, lessons_dir: Option<&Path>) -> anyhow::Result<()> {
    let ctx = SceneContext {
        seed,
        corpus: args.corpus.clone(),
        tokenizer: args.tokenizer.clone(),
    };
    let dump = dump(&args.lesson_id, &args.set, ctx, lessons_dir)?;
    println!("{}", serde_json::to_string_pretty(&dump)?);
    Ok(())
}
