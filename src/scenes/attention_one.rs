//! Lesson 8, self-attention for one token: the query's dot product with every token gives the
//! scores, normalising them gives the weights, and the weighted sum of the inputs is the
//! context vector. The book's example: "journey" in "Your journey starts with one step".

use super::book::{TOKENS, embeddings, labels};
use super::{Scene, SceneContext, SceneError, num, params};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Tensor, Value};
use ndarray::{Array1, Array2};

pub struct AttentionOne;

/// x: (T, C), query index q -> scores (T,): score[i] = x[q] · x[i].
pub fn scores_for(x: &Array2<f32>, q: usize) -> Array1<f32> {
    x.dot(&x.row(q))
}

/// Softmax with the maximum subtracted first (same result, no overflow): (T,) -> (T,).
pub fn softmax(s: &Array1<f32>) -> Array1<f32> {
    let max = s.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let e = s.mapv(|v| (v - max).exp());
    let sum = e.sum();
    e / sum
}

/// Division by the plain sum: (T,) -> (T,). Breaks down for negative or zero-sum scores.
pub fn sum_normalise(s: &Array1<f32>) -> Array1<f32> {
    s / s.sum()
}

/// weights (T,), x (T, C) -> context (C,) = Σ_i weights[i] · x[i].
pub fn weighted_sum(w: &Array1<f32>, x: &Array2<f32>) -> Array1<f32> {
    w.dot(x)
}

impl Scene for AttentionOne {
    fn name(&self) -> &'static str {
        "attention_one"
    }

    fn compute(
        &self,
        params: &ParamValues,
        _ctx: &SceneContext,
    ) -> Result<SceneOutput, SceneError> {
        let query = params::text(params, "query")?;
        let method = params::text(params, "normalise")?;
        let q = TOKENS.iter().position(|t| *t == query).ok_or_else(|| {
            SceneError(format!(
                "`query` must be one of {}, not `{query}`",
                TOKENS.join(", ")
            ))
        })?;
        let x = embeddings();
        let scores = scores_for(&x, q);
        let weights = match method {
            "softmax" => softmax(&scores),
            "sum" => sum_normalise(&scores),
            other => {
                return Err(SceneError(format!(
                    "`normalise` must be softmax or sum, not `{other}`"
                )));
            }
        };
        let context = weighted_sum(&weights, &x);
        let tokens = labels(&TOKENS);
        let per_token = |a: &Array1<f32>, axis: &str| {
            Value::Tensor(
                Tensor::from_array(a)
                    .with_axes(&[axis])
                    .with_labels(0, tokens.clone()),
            )
        };

        let mut out = SceneOutput::default();
        out.push(
            "inputs",
            Value::Tensor(
                Tensor::from_array(&x)
                    .with_axes(&["token", "dim"])
                    .with_labels(0, tokens.clone())
                    .with_labels(1, labels(&["d1", "d2", "d3"])),
            ),
        );
        out.push("scores", per_token(&scores, "key"));
        out.push("weights", per_token(&weights, "key"));
        out.push(
            "context",
            Value::Tensor(
                Tensor::from_array(&context)
                    .with_axes(&["dim"])
                    .with_labels(0, labels(&["d1", "d2", "d3"])),
            ),
        );
        out.push("scores_written_out", Value::Text(scores_text(&x, q)));
        out.push(
            "weights_written_out",
            Value::Text(weights_text(&scores, &weights, method)),
        );
        out.push(
            "weighted_sum",
            Value::Text(sum_text(&x, &weights, &context, q)),
        );
        Ok(out)
    }
}

fn vec_text(v: ndarray::ArrayView1<f32>) -> String {
    let cells: Vec<String> = v.iter().map(|x| num(*x)).collect();
    format!("[{}]", cells.join(", "))
}

/// Each score as the dot product it is.
fn scores_text(x: &Array2<f32>, q: usize) -> String {
    let mut lines = vec![format!(
        "query x({}) = {} · every token:",
        TOKENS[q],
        vec_text(x.row(q))
    )];
    for (i, row) in x.rows().into_iter().enumerate() {
        let terms: Vec<String> = row
            .iter()
            .zip(x.row(q))
            .map(|(a, b)| format!("{}×{}", num(*b), num(*a)))
            .collect();
        lines.push(format!(
            "{:>8}: {} = {:.4}",
            TOKENS[i],
            terms.join(" + "),
            row.dot(&x.row(q))
        ));
    }
    lines.join("\n")
}

/// How the weights came from the scores.
fn weights_text(scores: &Array1<f32>, weights: &Array1<f32>, method: &str) -> String {
    let total = weights.sum();
    if method == "softmax" {
        let max = scores.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let exps = scores.mapv(|s| (s - max).exp());
        let denom = exps.sum();
        let terms: Vec<String> = exps.iter().map(|e| format!("{e:.4}")).collect();
        format!(
            "weight_i = exp(score_i − {max:.4}) / Σ exp(score_j − {max:.4})\n\
             exps: {}\n\
             sum of exps = {denom:.4}; weights sum to {total:.4}",
            terms.join(", ")
        )
    } else {
        format!(
            "weight_i = score_i / Σ score_j = score_i / {:.4}\n\
             weights sum to {total:.4}",
            scores.sum()
        )
    }
}

/// The context vector as the weighted sum it is.
fn sum_text(x: &Array2<f32>, w: &Array1<f32>, context: &Array1<f32>, q: usize) -> String {
    let mut lines = vec![format!("context for \"{}\" = Σ weight_i × x_i", TOKENS[q])];
    for (i, row) in x.rows().into_iter().enumerate() {
        let sign = if i == 0 { "  " } else { "+ " };
        lines.push(format!(
            "{sign}{:.4} × {}   ({})",
            w[i],
            vec_text(row),
            TOKENS[i]
        ));
    }
    let ctx: Vec<String> = context.iter().map(|v| format!("{v:.4}")).collect();
    lines.push(format!("= [{}]", ctx.join(", ")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::ParamValue;

    fn run(query: &str, method: &str) -> SceneOutput {
        let mut p = ParamValues::new();
        p.insert("query".into(), ParamValue::Text(query.into()));
        p.insert("normalise".into(), ParamValue::Text(method.into()));
        AttentionOne.compute(&p, &SceneContext::default()).unwrap()
    }

    fn data(out: &SceneOutput, name: &str) -> Vec<f32> {
        match out.get(name) {
            Some(Value::Tensor(t)) => t.data.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 5e-5, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_books_numbers_for_journey() {
        let out = run("journey", "softmax");
        close(
            &data(&out, "scores"),
            &[0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865],
        );
        close(
            &data(&out, "weights"),
            &[0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581],
        );
        close(&data(&out, "context"), &[0.4419, 0.6515, 0.5683]);
    }

    #[test]
    fn dividing_by_the_sum() {
        let out = run("journey", "sum");
        // The book's attn_weights_2_tmp.
        close(
            &data(&out, "weights"),
            &[0.1455, 0.2278, 0.2249, 0.1285, 0.1077, 0.1656],
        );
        let w = data(&out, "weights");
        assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
