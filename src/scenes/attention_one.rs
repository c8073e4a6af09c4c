//! Lesson 8, self-attention for one token: the query's dot product with every token gives the
//! scores, normalising them gives the weights, and the weighted sum of the inputs is the
//! context vector. The book's example: "journey" in "Your journey starts with one step".
//! Scores, softmax and the weighted sum are the engine's ops; dividing by the sum is the scene's.

use super::book::{DIMS, TOKENS, embeddings, labels, token_index};
use super::{
    Scene, SceneContext, SceneError, input_num, labelled, ops, params, row_4dp, written_row,
};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Value};
use ndarray::{Array1, Array2};

pub struct AttentionOne;

/// x: (T, C), query index q -> scores (T,): score[i] = x[q] · x[i], as x[q] · Xᵀ by the engine.
pub fn scores_for(x: &Array2<f32>, q: usize) -> Result<Array1<f32>, SceneError> {
    ops::row_matmul(x.row(q), x.t())
}

/// Division by the plain sum: (T,) -> (T,). Breaks down for negative or zero-sum scores.
pub fn sum_normalise(s: &Array1<f32>) -> Array1<f32> {
    s / s.sum()
}

/// weights (T,), x (T, C) -> context (C,) = Σ_i weights[i] · x[i], as weights · X by the engine.
pub fn weighted_sum(w: &Array1<f32>, x: &Array2<f32>) -> Result<Array1<f32>, SceneError> {
    ops::row_matmul(w.view(), x.view())
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
        let q = token_index("query", params::text(params, "query")?)?;
        let method = params::text(params, "normalise")?;
        let x = embeddings();
        let scores = scores_for(&x, q)?;
        let weights = match method {
            "softmax" => ops::softmax(scores.view())?,
            "sum" => sum_normalise(&scores),
            other => {
                return Err(SceneError(format!(
                    "`normalise` must be softmax or sum, not `{other}`"
                )));
            }
        };
        let context = weighted_sum(&weights, &x)?;
        let tokens = labels(&TOKENS);
        let dims = labels(&DIMS);

        let mut out = SceneOutput::default();
        out.push("inputs", labelled(&x, &["token", "dim"], &[&tokens, &dims]));
        out.push("scores", labelled(&scores, &["key"], &[&tokens]));
        out.push("weights", labelled(&weights, &["key"], &[&tokens]));
        out.push("context", labelled(&context, &["dim"], &[&dims]));
        out.push(
            "scores_written_out",
            Value::Text(scores_text(&x, &scores, q)),
        );
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

/// Each score as the dot product it is.
fn scores_text(x: &Array2<f32>, scores: &Array1<f32>, q: usize) -> String {
    let mut lines = vec![format!(
        "query x({}) = {} · every token:",
        TOKENS[q],
        written_row(x.row(q))
    )];
    for (i, row) in x.rows().into_iter().enumerate() {
        let terms: Vec<String> = row
            .iter()
            .zip(x.row(q))
            .map(|(a, b)| format!("{}×{}", input_num(*b), input_num(*a)))
            .collect();
        lines.push(format!(
            "{:>8}: {} = {:.4}",
            TOKENS[i],
            terms.join(" + "),
            scores[i]
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
            written_row(row),
            TOKENS[i]
        ));
    }
    lines.push(format!("= {}", row_4dp(context.view())));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::ParamValue;
    use crate::scenes::testing::tensor;

    fn run(query: &str, method: &str) -> SceneOutput {
        let mut p = ParamValues::new();
        p.insert("query".into(), ParamValue::Text(query.into()));
        p.insert("normalise".into(), ParamValue::Text(method.into()));
        AttentionOne.compute(&p, &SceneContext::default()).unwrap()
    }

    fn data(out: &SceneOutput, name: &str) -> Vec<f32> {
        tensor(out, name).data.clone()
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

    /// Every number with a decimal point in the written-out texts: (text, decimals).
    fn decimals(text: &str) -> Vec<(String, usize)> {
        text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|w| w.contains('.') && w.len() > 1)
            .map(|w| (w.to_string(), w.len() - w.find('.').unwrap() - 1))
            .collect()
    }

    #[test]
    fn written_sums_use_one_rule_inputs_two_decimals_results_four() {
        for method in ["softmax", "sum"] {
            let out = run("one", method);
            let written = |name: &str| match out.get(name) {
                Some(Value::Text(t)) => t.clone(),
                other => panic!("{name}: {other:?}"),
            };
            let scores = written("scores_written_out");
            let sum = written("weighted_sum");
            // "one" is [0.77, 0.25, 0.10] in the book, not 0.1; "step" is [0.05, 0.80, 0.55].
            assert!(
                scores.contains("query x(one) = [0.77, 0.25, 0.10]"),
                "{scores}"
            );
            assert!(
                scores.contains("0.77×0.05 + 0.25×0.80 + 0.10×0.55 = 0.2935"),
                "{scores}"
            );
            assert!(sum.contains("× [0.05, 0.80, 0.55]   (step)"), "{sum}");
            for text in [scores, sum, written("weights_written_out")] {
                for (n, d) in decimals(&text) {
                    assert!(d == 2 || d == 4, "{n} in:\n{text}");
                }
            }
        }
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
