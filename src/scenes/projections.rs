//! Lesson 2, matrices as projections: the six tokens (6, 3) times a weight matrix into d_out
//! dimensions, once stored (in, out) as `x @ W` through the engine's matmul, once stored (out, in)
//! through the engine's linear layer, which computes `x @ Wᵀ`; the two are shown equal.

use super::book::{DIMS, TOKENS, embeddings, labels, token_index, w_query};
use super::ops::{self, max_abs_diff};
use super::{Scene, SceneContext, SceneError, input_num, labelled, params, row_4dp, written_row};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Tensor, Value};
use crate::ui::widgets::shapes::ShapeTrace;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Projections;

/// The largest d_out the scene accepts (the lesson may allow less).
pub const MAX_D_OUT: usize = 16;

/// The weight stored (d_in, d_out): the book's W_query columns first, then seeded uniform [0, 1)
/// columns (as `torch.rand` would draw) when d_out is above 2. Columns are drawn one after the
/// other, so raising d_out keeps the earlier ones.
pub fn weight_in_out(d_out: usize, seed: u64) -> Array2<f32> {
    let book = w_query();
    let d_in = book.nrows();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = Array2::zeros((d_in, d_out));
    for j in 0..d_out {
        for i in 0..d_in {
            w[[i, j]] = if j < book.ncols() {
                book[[i, j]]
            } else {
                rng.random::<f32>()
            };
        }
    }
    w
}

impl Scene for Projections {
    fn name(&self) -> &'static str {
        "projections"
    }

    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError> {
        let d_out = params::int(params, "d_out")?;
        if d_out < 1 || d_out > MAX_D_OUT as i64 {
            return Err(SceneError(format!(
                "`d_out` must be between 1 and {MAX_D_OUT}, not {d_out}"
            )));
        }
        let d_out = d_out as usize;
        let storage = params::text(params, "storage")?;
        let out_in = match storage {
            "in_out" => false,
            "out_in" => true,
            other => {
                return Err(SceneError(format!(
                    "`storage` must be in_out or out_in, not `{other}`"
                )));
            }
        };
        let t = token_index("token", params::text(params, "token")?)?;

        let x = embeddings();
        let d_in = x.ncols();
        let w = weight_in_out(d_out, ctx.seed);
        // A linear layer keeps its own copy laid out (out, in), as PyTorch's nn.Linear does.
        let w_linear: Array2<f32> = w.t().as_standard_layout().to_owned();
        let xw = ops::matmul(x.view(), w.view())?;
        let linear = ops::linear(x.view(), w_linear.view())?;
        let max_diff = max_abs_diff(&xw, &linear);
        let n = x.nrows();

        let tokens = labels(&TOKENS);
        let outs: Vec<String> = (0..d_out).map(|j| format!("o{}", j + 1)).collect();
        let ins = labels(&DIMS[..d_in]);
        let mut out = SceneOutput::default();
        out.push("x", labelled(&x, &["token", "in"], &[&tokens, &ins]));
        let shown_w = if out_in {
            labelled(&w_linear, &["out", "in"], &[&outs, &ins])
        } else {
            labelled(&w, &["in", "out"], &[&ins, &outs])
        };
        out.push("w", shown_w);
        let result = if out_in { &linear } else { &xw };
        out.push("xw", labelled(result, &["token", "out"], &[&tokens, &outs]));
        out.push("shapes", Value::Text(shape_trace(n, d_in, d_out, out_in)));
        out.push("row_written_out", Value::Text(row_text(&x, &w, &xw, t)));
        out.push(
            "max_abs_difference",
            Value::Tensor(Tensor::new(vec![1], vec![max_diff]).with_axes(&["value"])),
        );
        out.push(
            "storage_comparison",
            Value::Text(format!(
                "({n}, {d_in}) @ ({d_in}, {d_out}) → ({n}, {d_out}): the inner sizes {d_in} = {d_in} \
                 meet and vanish; one row in, one row out per token\n\
                 x @ W with W stored (in, out) = {:?}\n\
                 x @ Wᵀ with W stored (out, in) = {:?}, as nn.Linear({d_in}, {d_out}) keeps it\n\
                 largest difference between the two results: {}",
                w.dim(),
                w_linear.dim(),
                if max_diff == 0.0 {
                    "0 (identical: the same multiplications in the same order)".to_string()
                } else {
                    format!("{max_diff:.1e} (rounding: the sums were added in another order)")
                }
            )),
        );
        out.push("weight_source", Value::Text(weight_source(d_out, ctx.seed)));
        Ok(out)
    }
}

/// How the shapes compose for the chosen storage, in the shape tracer's `op (d1, d2)` form:
/// `X (6, 3) ─@ W (3, 2)→ (6, 2)`, or for (out, in) storage the path from the stored weight
/// through its transpose: `W stored (out, in) (2, 3) ─transpose, no copy→ (3, 2) ─X (6, 3) @ Wᵀ→ (6, 2)`.
fn shape_trace(n: usize, d_in: usize, d_out: usize, out_in: bool) -> String {
    let trace = if out_in {
        ShapeTrace::default()
            .push("W stored (out, in)", &[d_out, d_in])
            .push("transpose, no copy", &[d_in, d_out])
            .push(&format!("X ({n}, {d_in}) @ Wᵀ"), &[n, d_out])
    } else {
        ShapeTrace::default()
            .push("X", &[n, d_in])
            .push(&format!("@ W ({d_in}, {d_out})"), &[n, d_out])
    };
    trace.to_text()
}

/// One token's output (row t of `xw`) written out: each output is the token's row dotted with one
/// column of W.
fn row_text(x: &Array2<f32>, w: &Array2<f32>, xw: &Array2<f32>, t: usize) -> String {
    let row = x.row(t);
    let outputs = xw.row(t);
    let mut lines = vec![format!(
        "{} {} → {}",
        TOKENS[t],
        written_row(row),
        row_4dp(outputs)
    )];
    for j in 0..w.ncols() {
        let terms: Vec<String> = row
            .iter()
            .zip(w.column(j).iter())
            .map(|(a, b)| format!("{}×{:.4}", input_num(*a), b))
            .collect();
        lines.push(format!(
            "o{} = {} = {:.4}",
            j + 1,
            terms.join(" + "),
            outputs[j]
        ));
    }
    lines.join("\n")
}

fn weight_source(d_out: usize, seed: u64) -> String {
    match d_out {
        1 => "W is the first column of the book's W_query.".to_string(),
        2 => "W is the book's W_query (d_in = 3, d_out = 2), printed there to 4 decimals. The \
              book computed its outputs with the unrounded weights, so where it shows 0.4306 for \
              journey these rounded weights give 0.4307."
            .to_string(),
        _ => format!(
            "Columns o1-o2 are the book's W_query; o3-o{d_out} are random, uniform in [0, 1), \
             drawn from seed {seed} (the book's table has only two columns)."
        ),
    }
}
