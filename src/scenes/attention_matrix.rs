//! Lesson 9, attention as matrix multiplication: the double loop of dot products is X·Xᵀ, a
//! row-wise softmax gives every weight at once, and A·X gives every context vector. Both forms
//! are computed and compared; an animation step fills the score matrix cell by cell.

use super::book::{DIMS, TOKENS, embeddings, labels};
use super::ops::{self, max_abs_diff};
use super::{Scene, SceneContext, SceneError, labelled, params};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Value};
use ndarray::Array2;

pub struct AttentionMatrix;

/// (scores (T, T), weights (T, T), context (T, C)), in that order.
pub type Attention = (Array2<f32>, Array2<f32>, Array2<f32>);

/// The loop form. x: (T, C) -> (scores (T, T), weights (T, T), context (T, C)): every score and
/// every context entry by explicit for-loops, exactly as one would write it first, and the
/// engine's softmax taken one row at a time.
pub fn attention_loops(x: &Array2<f32>) -> Result<Attention, SceneError> {
    let (t, c) = x.dim();
    let mut scores = Array2::zeros((t, t));
    for i in 0..t {
        for j in 0..t {
            let mut s = 0.0;
            for k in 0..c {
                s += x[[i, k]] * x[[j, k]];
            }
            scores[[i, j]] = s;
        }
    }
    let mut weights = Array2::zeros((t, t));
    for i in 0..t {
        weights.row_mut(i).assign(&ops::softmax(scores.row(i))?);
    }
    let mut context = Array2::zeros((t, c));
    for i in 0..t {
        for j in 0..t {
            for k in 0..c {
                context[[i, k]] += weights[[i, j]] * x[[j, k]];
            }
        }
    }
    Ok((scores, weights, context))
}

/// The matrix form, all by the engine. x: (T, C) -> scores X·Xᵀ (T, T), weights A = softmax of
/// every row at once (T, T), context A·X (T, C).
pub fn attention_matmul(x: &Array2<f32>) -> Result<Attention, SceneError> {
    let scores = ops::matmul(x.view(), x.t())?;
    let weights = ops::softmax_rows(scores.view())?;
    let context = ops::matmul(weights.view(), x.view())?;
    Ok((scores, weights, context))
}

impl Scene for AttentionMatrix {
    fn name(&self) -> &'static str {
        "attention_matrix"
    }

    fn compute(
        &self,
        params: &ParamValues,
        _ctx: &SceneContext,
    ) -> Result<SceneOutput, SceneError> {
        let form = params::text(params, "form")?;
        let step = params::int(params, "step")?;
        let x = embeddings();
        let t = x.nrows();
        let cells = (t * t) as i64;
        if !(0..=cells).contains(&step) {
            return Err(SceneError(format!(
                "`step` must be between 0 and {cells}, not {step}"
            )));
        }
        let (ls, lw, lc) = attention_loops(&x)?;
        let (ms, mw, mc) = attention_matmul(&x)?;
        let (scores, weights, context) = match form {
            "loop" => (&ls, &lw, &lc),
            "matrix" => (&ms, &mw, &mc),
            other => {
                return Err(SceneError(format!(
                    "`form` must be loop or matrix, not `{other}`"
                )));
            }
        };
        // The animation: the loop fills cells row by row; `step` of them are done.
        let filled = step as usize;
        let mut partial = Array2::<f32>::zeros((t, t));
        let mut pending = Array2::<f32>::ones((t, t));
        for n in 0..filled {
            let (i, j) = (n / t, n % t);
            partial[[i, j]] = scores[[i, j]];
            pending[[i, j]] = 0.0;
        }

        let tokens = labels(&TOKENS);
        let square = |m: &Array2<f32>| labelled(m, &["query", "key"], &[&tokens, &tokens]);
        let dims = labels(&DIMS);
        let per_token = |m: &Array2<f32>| labelled(m, &["token", "dim"], &[&tokens, &dims]);

        let mut out = SceneOutput::default();
        out.push("inputs", per_token(&x));
        out.push("scores", square(scores));
        out.push("scores_filling", square(&partial));
        // Nonzero = not computed yet; the attention view draws those cells as '·'.
        out.push("scores_filling_mask", square(&pending));
        out.push("weights", square(weights));
        out.push("context", per_token(context));
        out.push(
            "loop_vs_matrix",
            Value::Text(format!(
                "max |loop − matrix| over every entry:\n\
                 scores  (6×6): {:.2e}\n\
                 weights (6×6): {:.2e}\n\
                 context (6×3): {:.2e}\n\
                 showing the {form} form; both are computed every time",
                max_abs_diff(&ls, &ms),
                max_abs_diff(&lw, &mw),
                max_abs_diff(&lc, &mc),
            )),
        );
        out.push("current_cell", Value::Text(cell_text(&x, scores, filled)));
        out.push(
            "shapes",
            Value::Text(
                crate::ui::widgets::shapes::ShapeTrace::default()
                    .push("X", &[t, 3])
                    .push("X·Xᵀ", &[t, t])
                    .push("softmax rows", &[t, t])
                    .push("A·X", &[t, 3])
                    .to_text(),
            ),
        );
        Ok(out)
    }
}

/// The cell the animation just filled, written out as the dot product that gave `scores[i, j]`.
fn cell_text(x: &Array2<f32>, scores: &Array2<f32>, filled: usize) -> String {
    let t = x.nrows();
    if filled == 0 {
        return format!(
            "Nothing computed yet. Press s to fill the {} cells one by one, row after row.",
            t * t
        );
    }
    let n = filled - 1;
    let (i, j) = (n / t, n % t);
    let terms: Vec<String> = (0..x.ncols())
        .map(|k| format!("{:.2}×{:.2}", x[[i, k]], x[[j, k]]))
        .collect();
    format!(
        "cell {filled} of {}: scores[{i}, {j}] = x({}) · x({})\n= {} = {:.4}\n\
         row {i} of X times column {j} of Xᵀ (which is row {j} of X)",
        t * t,
        TOKENS[i],
        TOKENS[j],
        terms.join(" + "),
        scores[[i, j]],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_and_matrix_agree_and_match_the_book() {
        let x = embeddings();
        let (ls, lw, lc) = attention_loops(&x).unwrap();
        let (ms, mw, mc) = attention_matmul(&x).unwrap();
        assert!(max_abs_diff(&ls, &ms) < 1e-6);
        assert!(max_abs_diff(&lw, &mw) < 1e-6);
        assert!(max_abs_diff(&lc, &mc) < 1e-6);
        // Row 1 ("journey") is lesson 8's example.
        let expect = [0.4419, 0.6515, 0.5683];
        for k in 0..3 {
            assert!((mc[[1, k]] - expect[k]).abs() < 5e-5);
        }
        assert!((ms[[1, 2]] - 1.4754).abs() < 5e-5);
        for row in mw.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn animation_fills_row_by_row() {
        use crate::lessons::ParamValue;
        let mut p = ParamValues::new();
        p.insert("form".into(), ParamValue::Text("loop".into()));
        p.insert("step".into(), ParamValue::Int(8));
        let out = AttentionMatrix
            .compute(&p, &SceneContext::default())
            .unwrap();
        let Some(Value::Tensor(mask)) = out.get("scores_filling_mask") else {
            panic!()
        };
        assert_eq!(mask.data.iter().filter(|v| **v == 0.0).count(), 8);
        assert_eq!(mask.data[7], 0.0);
        assert_eq!(mask.data[8], 1.0);
        p.insert("step".into(), ParamValue::Int(37));
        assert!(
            AttentionMatrix
                .compute(&p, &SceneContext::default())
                .is_err()
        );
    }
}
