//! Lesson 6, inputs and targets: the data loader over the corpus. The corpus is tokenized (with
//! the lab's tokenizer, or the learner's `--tokenizer`), split 90/10 by position, cut into windows
//! of `context_length` tokens every `stride` tokens, and the first batch of `batch_size` windows
//! is shown as input ids over target ids, shifted by one, with each row decoded.

use super::tokenization::corpus_tools;
use super::{Scene, SceneContext, SceneError, params};
use crate::lessons::{ParamValue, ParamValues};
use crate::results::{SceneOutput, Tensor, Value};
use crate::text::batches::{DataConfig, Loader, Split, window_count};
use crate::text::tokenizer::{Tokenizer, visible};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct InputsTargets;

/// A tokenizer and the corpus's ids under it.
struct Encoded {
    tokenizer: Tokenizer,
    ids: Vec<u32>,
    chars: usize,
}

type Key = (Option<PathBuf>, Option<PathBuf>);

static ENCODED: Mutex<Option<HashMap<Key, Arc<Encoded>>>> = Mutex::new(None);

/// The corpus's ids under the tokenizer, encoded once per (corpus, tokenizer).
fn encoded(ctx: &SceneContext) -> Result<Arc<Encoded>, SceneError> {
    let key = (ctx.corpus.clone(), ctx.tokenizer.clone());
    let cached = {
        let guard = ENCODED.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().and_then(|m| m.get(&key).cloned())
    };
    if let Some(found) = cached {
        return Ok(found);
    }
    let tools = corpus_tools(&ctx.corpus)?;
    let to_scene = |e: crate::text::tokenizer::TokenizerError| SceneError(e.to_string());
    let tokenizer = Tokenizer::load(ctx.tokenizer.as_deref()).map_err(to_scene)?;
    let ids = tokenizer.encode_corpus(&tools.corpus).map_err(to_scene)?;
    let found = Arc::new(Encoded {
        tokenizer,
        ids,
        chars: tools.corpus.char_count(),
    });
    let mut guard = ENCODED.lock().unwrap_or_else(|e| e.into_inner());
    guard
        .get_or_insert_with(HashMap::new)
        .insert(key, found.clone());
    Ok(found)
}

fn positive(params: &ParamValues, name: &str) -> Result<usize, SceneError> {
    let v = params::int(params, name)?;
    usize::try_from(v)
        .ok()
        .filter(|&v| v >= 1)
        .ok_or_else(|| SceneError(format!("`{name}` must be at least 1, not {v}")))
}

impl Scene for InputsTargets {
    fn name(&self) -> &'static str {
        "inputs_targets"
    }

    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError> {
        let context_length = positive(params, "context_length")?;
        let stride = positive(params, "stride")?;
        let batch_size = positive(params, "batch_size")?;
        let shuffle = match params.get("shuffle") {
            Some(ParamValue::Bool(b)) => *b,
            None => false,
            Some(other) => {
                return Err(SceneError(format!(
                    "`shuffle` must be true or false, not {other:?}"
                )));
            }
        };
        let data = encoded(ctx)?;
        let config = DataConfig {
            context_length,
            stride,
            batch_size,
            train_ratio: 0.9,
            seed: ctx.seed,
        };
        let split = Split::new(data.ids.clone(), data.chars, &config)
            .map_err(|e| SceneError(e.to_string()))?;
        let windows = split.train.windows().clone();
        let loader = Loader::new(windows, batch_size, shuffle, true, ctx.seed)
            .map_err(|e| SceneError(e.to_string()))?;
        let batch = loader
            .epoch(0)
            .next()
            .ok_or_else(|| SceneError("the training part has no window".into()))?;
        let rows = batch.inputs.nrows();
        let t = context_length;
        let windows = loader.windows();

        let labels: Vec<String> = batch
            .windows
            .iter()
            .map(|&w| {
                let s = windows.start(w);
                format!("window {w}: tokens {s}–{}", s + t)
            })
            .collect();
        let positions: Vec<String> = (0..t).map(|p| p.to_string()).collect();
        let mut pairs = Vec::with_capacity(rows * 2 * t);
        for r in 0..rows {
            pairs.extend(batch.inputs.row(r).iter().map(|&id| id as f32));
            pairs.extend(batch.targets.row(r).iter().map(|&id| id as f32));
        }
        let grid = |a: &ndarray::Array2<usize>| {
            Tensor::new(vec![rows, t], a.iter().map(|&id| id as f32).collect())
                .with_axes(&["row", "position"])
                .with_labels(0, labels.clone())
                .with_labels(1, positions.clone())
        };

        let mut out = SceneOutput::default();
        out.push(
            "pairs",
            Value::Tensor(
                Tensor::new(vec![rows, 2, t], pairs)
                    .with_axes(&["window", "pair", "position"])
                    .with_labels(0, labels.clone())
                    .with_labels(1, vec!["input".into(), "target".into()])
                    .with_labels(2, positions.clone()),
            ),
        );
        out.push("inputs", Value::Tensor(grid(&batch.inputs)));
        out.push("targets", Value::Tensor(grid(&batch.targets)));
        out.push(
            "decoded",
            Value::Text(decoded_text(&data.tokenizer, &batch, &labels)?),
        );
        out.push(
            "stream",
            Value::Tensor(stream_tensor(&data.tokenizer, &loader, rows, shuffle)?),
        );
        out.push(
            "summary",
            Value::Text(summary_text(&data, &split, &loader, &config)),
        );
        let by_stride: Vec<f32> = (1..=t)
            .map(|s| window_count(windows.ids().len(), t, s) as f32)
            .collect();
        out.push(
            "windows_by_stride",
            Value::Tensor(
                Tensor::new(vec![t], by_stride)
                    .with_axes(&["stride"])
                    .with_labels(0, (1..=t).map(|s| format!("stride {s}")).collect()),
            ),
        );
        Ok(out)
    }
}

/// Each row of the batch as text: the input window and the target window, pieces separated
/// by `|` so the token boundaries show.
fn decoded_text(
    tokenizer: &Tokenizer,
    batch: &crate::text::batches::Batch,
    labels: &[String],
) -> Result<String, SceneError> {
    let show = |ids: ndarray::ArrayView1<usize>| -> Result<String, SceneError> {
        let pieces: Result<Vec<String>, _> = ids
            .iter()
            .map(|&id| tokenizer.piece(id as u32).map(|p| visible(&p)))
            .collect();
        Ok(pieces.map_err(|e| SceneError(e.to_string()))?.join("|"))
    };
    let mut s = String::new();
    for (r, label) in labels.iter().enumerate() {
        s.push_str(&format!(
            "{label}\n  input  {}\n  target {}\n",
            show(batch.inputs.row(r))?,
            show(batch.targets.row(r))?
        ));
    }
    Ok(s)
}

/// The start of the training text as tokens, as far as the batch reaches (in order), so the
/// windows can be seen cut out of it.
fn stream_tensor(
    tokenizer: &Tokenizer,
    loader: &Loader,
    rows: usize,
    shuffle: bool,
) -> Result<Tensor, SceneError> {
    let windows = loader.windows();
    let reach = if shuffle {
        windows.context_length() + 1
    } else {
        windows.start(rows - 1) + windows.context_length() + 1
    };
    let ids = &windows.ids()[..reach.min(windows.ids().len()).min(200)];
    let pieces: Result<Vec<String>, _> = ids.iter().map(|&id| tokenizer.piece(id)).collect();
    let pieces = pieces.map_err(|e| SceneError(e.to_string()))?;
    Ok(
        Tensor::new(vec![ids.len()], ids.iter().map(|&id| id as f32).collect())
            .with_axes(&["token"])
            .with_labels(0, pieces),
    )
}

fn summary_text(data: &Encoded, split: &Split, loader: &Loader, config: &DataConfig) -> String {
    let (t, s, b) = (config.context_length, config.stride, config.batch_size);
    let train = split.train.windows();
    let n = train.ids().len();
    let count = train.len();
    let mut text = format!(
        "corpus: {} tokens ({}); training part: the first {n} (90%), validation: the last {}\n",
        data.ids.len(),
        data.tokenizer.describe(),
        split.validation.windows().ids().len()
    );
    text.push_str(&format!(
        "windows of {t} tokens starting every {s}: ⌈({n} − {t}) / {s}⌉ = {count} training windows\n"
    ));
    text.push_str(&match s.cmp(&t) {
        std::cmp::Ordering::Less => format!(
            "stride {s} < context {t}: neighbouring windows share {} tokens, so each token is seen about {:.1} times per epoch\n",
            t - s,
            t as f64 / s as f64
        ),
        std::cmp::Ordering::Equal => {
            "stride = context length: the windows tile the text, each token is an input once per epoch\n".to_string()
        }
        std::cmp::Ordering::Greater => format!(
            "stride {s} > context {t}: {} tokens between windows are never trained on\n",
            s - t
        ),
    });
    let full = count / b;
    let rest = count % b;
    text.push_str(&format!(
        "batches of {b}: {} per epoch{}; validation: {} windows\n",
        loader.len(),
        if rest > 0 && full > 0 {
            format!(" (the last {rest} windows, less than a batch, are dropped)")
        } else {
            String::new()
        },
        split.validation.windows().len()
    ));
    text.push_str(&format!(
        "each row: {t} input ids, {t} targets; target t is the id at input position t + 1, so one row holds {t} next-token examples",
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::testing::tensor;

    fn params(context_length: i64, stride: i64, batch_size: i64, shuffle: bool) -> ParamValues {
        let mut p = ParamValues::new();
        p.insert("context_length".into(), ParamValue::Int(context_length));
        p.insert("stride".into(), ParamValue::Int(stride));
        p.insert("batch_size".into(), ParamValue::Int(batch_size));
        p.insert("shuffle".into(), ParamValue::Bool(shuffle));
        p
    }

    #[test]
    fn targets_are_inputs_shifted_by_one_and_rows_follow_the_stride() {
        let ctx = SceneContext::default();
        let out = InputsTargets
            .compute(&params(4, 2, 3, false), &ctx)
            .unwrap();
        let inputs = tensor(&out, "inputs");
        let targets = tensor(&out, "targets");
        assert_eq!(inputs.shape, [3, 4]);
        let stream = &tensor(&out, "stream").data;
        for r in 0..3 {
            for p in 0..4 {
                assert_eq!(inputs.data[r * 4 + p], stream[r * 2 + p]);
                assert_eq!(targets.data[r * 4 + p], stream[r * 2 + p + 1]);
            }
        }
        let pairs = tensor(&out, "pairs");
        assert!(crate::ui::widgets::token_strip::is_pair_table(pairs));
        assert_eq!(&pairs.data[..4], &inputs.data[..4]);
        assert_eq!(&pairs.data[4..8], &targets.data[..4]);
    }

    #[test]
    fn the_window_count_is_in_the_summary_and_shuffling_follows_the_seed() {
        let ctx = SceneContext::default();
        let out = InputsTargets.compute(&params(8, 8, 4, true), &ctx).unwrap();
        let by_stride = tensor(&out, "windows_by_stride");
        let Some(Value::Text(summary)) = out.get("summary") else {
            panic!()
        };
        let at_8 = by_stride.data[7] as usize;
        assert!(
            summary.contains(&format!("= {at_8} training windows")),
            "{summary}"
        );
        let again = InputsTargets.compute(&params(8, 8, 4, true), &ctx).unwrap();
        assert_eq!(out, again);
        let other = SceneContext {
            seed: 7,
            ..SceneContext::default()
        };
        let moved = InputsTargets
            .compute(&params(8, 8, 4, true), &other)
            .unwrap();
        assert_ne!(tensor(&out, "inputs"), tensor(&moved, "inputs"));
    }

    #[test]
    fn a_corpus_too_short_for_the_context_says_how_long_it_must_be() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.txt");
        std::fs::write(&path, "The hen sat.").unwrap();
        let ctx = SceneContext {
            corpus: Some(path),
            ..SceneContext::default()
        };
        let err = InputsTargets
            .compute(&params(16, 16, 2, false), &ctx)
            .unwrap_err();
        assert!(
            err.0.contains("too short") && err.0.contains("needs at least"),
            "{err}"
        );
    }
}
