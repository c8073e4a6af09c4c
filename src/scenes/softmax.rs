//! Lesson 3, logits and softmax: the book's toy next-token logits turned into probabilities at a
//! temperature, with a constant added to every logit; the naive formula beside the engine's safe
//! one (max subtracted first).

use super::book::{VOCAB, labels, toy_logits};
use super::{Scene, SceneContext, SceneError, labelled, ops, params};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Tensor, Value};
use ndarray::Array1;

pub struct Softmax;

/// ln of the largest finite f32: exp of anything above it is infinite.
pub const F32_EXP_LIMIT: f32 = 88.72284;

/// Softmax as written in textbooks, exp(z) / Σ exp(z), in f32: overflows for z above ~88.7
/// and underflows to 0/0 when every z is below ~-103.
pub fn naive_softmax(z: &Array1<f32>) -> Array1<f32> {
    let e = z.mapv(f32::exp);
    let sum = e.sum();
    e / sum
}

/// Entropy in nats, -Σ p ln p (terms with p = 0 add nothing).
pub fn entropy(p: &Array1<f32>) -> f32 {
    -p.iter()
        .filter(|&&v| v > 0.0)
        .map(|&v| v * v.ln())
        .sum::<f32>()
}

impl Scene for Softmax {
    fn name(&self) -> &'static str {
        "softmax"
    }

    fn compute(
        &self,
        params: &ParamValues,
        _ctx: &SceneContext,
    ) -> Result<SceneOutput, SceneError> {
        let temperature = params::float(params, "temperature")?;
        let shift = params::float(params, "shift")?;
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(SceneError(format!(
                "`temperature` must be above 0, not {temperature}"
            )));
        }
        if !shift.is_finite() {
            return Err(SceneError("`shift` must be a finite number".into()));
        }
        let (temperature, shift) = (temperature as f32, shift as f32);

        let logits = toy_logits();
        let shifted = logits.mapv(|v| v + shift);
        let scaled = shifted.mapv(|v| v / temperature);
        let max = scaled.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let stable_logits = scaled.mapv(|v| v - max);
        // The engine's softmax subtracts the max first: the factor e^-max cancels, so the
        // probabilities are the same, but every exponent is ≤ 0 and nothing overflows.
        let probs = ops::softmax(scaled.view())?;
        let naive = naive_softmax(&scaled);
        let best = probs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        let h = entropy(&probs);

        let words = labels(&VOCAB);
        let bars = |a: &Array1<f32>| labelled(a, &["word"], &[&words]);
        let mut out = SceneOutput::default();
        out.push("probabilities", bars(&probs));
        out.push("logits", bars(&logits));
        out.push("shifted_logits", bars(&shifted));
        out.push("scaled_logits", bars(&scaled));
        out.push("stable_logits", bars(&stable_logits));
        out.push("naive_probabilities", bars(&naive));
        out.push(
            "entropy",
            Value::Tensor(Tensor::new(vec![1], vec![h]).with_axes(&["nats"])),
        );
        out.push("argmax", Value::Text(VOCAB[best].to_string()));
        out.push(
            "summary",
            Value::Text(format!(
                "p = softmax((logits {} {}) / {})\n\
                 most likely: {} (p = {:.4}); probabilities sum to {:.6}\n\
                 entropy {:.4} nats (0 = certain, ln 9 = {:.4} = uniform)",
                if shift < 0.0 { "-" } else { "+" },
                trim(shift.abs()),
                trim(temperature),
                VOCAB[best],
                probs[best],
                probs.sum(),
                h,
                (VOCAB.len() as f32).ln()
            )),
        );
        let top_logit = logits.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        // The added constant at which exp of the largest scaled logit passes f32's largest value.
        let overflow_at = F32_EXP_LIMIT * temperature - top_logit;
        out.push(
            "overflow",
            Value::Text(overflow_text(&scaled, max, &naive, &probs, overflow_at)),
        );
        Ok(out)
    }
}

fn trim(v: f32) -> String {
    super::num(v)
}

/// What the naive formula does with these inputs, in words.
fn overflow_text(
    scaled: &Array1<f32>,
    max: f32,
    naive: &Array1<f32>,
    safe: &Array1<f32>,
    overflow_at: f32,
) -> String {
    let biggest = max.exp();
    let sum: f32 = scaled.mapv(f32::exp).sum();
    if biggest.is_infinite() {
        format!(
            "Naive: exp({max:.2}) = inf in f32 (the largest f32 is about 3.4e38 = exp(88.72)), \
             so the naive sum is inf: the overflowed words get inf / inf = NaN and the rest \
             a finite number / inf = 0.\n\
             Safe: subtracting the max {max:.2} first makes the largest exponent exp(0) = 1; \
             the probabilities are unchanged."
        )
    } else if sum.is_infinite() {
        format!(
            "Naive: every exp(z) fits in f32 (the largest is exp({max:.2})), but their sum passes \
             the largest f32 (about 3.4e38) and is inf, so every word gets a finite number / inf \
             = 0.\n\
             Safe: subtracting the max {max:.2} first makes the largest exponent exp(0) = 1; \
             the probabilities are unchanged."
        )
    } else if sum == 0.0 {
        format!(
            "Naive: every exp(z) underflows to 0 in f32 (the largest is exp({max:.2})), so the naive \
             formula divides 0 by 0 and gets NaN.\n\
             Safe: subtracting the max first makes the largest exponent exp(0) = 1; the \
             probabilities are unchanged."
        )
    } else {
        let diff = naive
            .iter()
            .zip(safe.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        format!(
            "Naive and safe agree here (largest difference {diff:.1e}): the largest term \
             exp({max:.2}) = {} fits in f32.\n\
             Add more than about {overflow_at:.1} to every logit and the naive exp overflows.",
            if biggest < 1e6 {
                format!("{biggest:.4}")
            } else {
                format!("{biggest:.4e}")
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::ParamValue;
    use crate::scenes::testing::tensor;

    fn run(shift: f64) -> SceneOutput {
        let mut p = ParamValues::new();
        p.insert("temperature".into(), ParamValue::Float(1.0));
        p.insert("shift".into(), ParamValue::Float(shift));
        Softmax.compute(&p, &SceneContext::default()).unwrap()
    }

    #[test]
    fn a_sum_that_overflows_is_told_apart_from_agreement() {
        // exp(6.75 + 81.7) fits in f32, but adding exp(6.28 + 81.7) to it does not.
        let out = run(81.7);
        assert!(
            tensor(&out, "naive_probabilities")
                .data
                .iter()
                .all(|&p| p == 0.0)
        );
        let Some(Value::Text(text)) = out.get("overflow") else {
            panic!("overflow is text")
        };
        assert!(text.contains("their sum passes"), "{text}");
        // The safe form still gives the unshifted probabilities (up to f32 rounding of the sums).
        let safe = &tensor(&out, "probabilities").data;
        let unshifted = run(0.0);
        let base = &tensor(&unshifted, "probabilities").data;
        for (a, b) in safe.iter().zip(base) {
            assert!((a - b).abs() < 1e-6, "{safe:?} vs {base:?}");
        }
    }
}
