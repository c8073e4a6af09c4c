//! Lesson 1, vectors and similarity: dot products, lengths and cosine similarities of the book's
//! six token embeddings, a 2-d view of them, and one pair worked out by hand.

use super::book::{DIMS, TOKENS, embeddings, labels, token_index};
use super::{Scene, SceneContext, SceneError, input_num, labelled, ops, params};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Value};
use ndarray::{Array1, Array2, Axis};

pub struct Vectors;

/// The projection choices: which two of the three dimensions to plot.
pub const AXIS_PAIRS: [(&str, usize, usize); 3] =
    [("d1-d2", 0, 1), ("d1-d3", 0, 2), ("d2-d3", 1, 2)];

/// Every pairwise dot product, X·Xᵀ by the engine's matmul: (n, d) -> (n, n).
pub fn dot_products(x: &Array2<f32>) -> Result<Array2<f32>, SceneError> {
    ops::matmul(x.view(), x.t())
}

/// The length (Euclidean norm) of each row: (n, d) -> (n,).
pub fn lengths(x: &Array2<f32>) -> Array1<f32> {
    x.map_axis(Axis(1), |row| row.dot(&row).sqrt())
}

/// Cosine similarity of every pair of rows from their dot products (n, n) and lengths (n):
/// dot / (|a| |b|), (n, n).
pub fn cosine_similarity(dots: &Array2<f32>, len: &Array1<f32>) -> Array2<f32> {
    Array2::from_shape_fn(dots.dim(), |(i, j)| dots[[i, j]] / (len[i] * len[j]))
}

impl Scene for Vectors {
    fn name(&self) -> &'static str {
        "vectors"
    }

    fn compute(
        &self,
        params: &ParamValues,
        _ctx: &SceneContext,
    ) -> Result<SceneOutput, SceneError> {
        let a = token_index("first", params::text(params, "first")?)?;
        let b = token_index("second", params::text(params, "second")?)?;
        let axes = params::text(params, "axes")?;
        let &(_, ax, ay) = AXIS_PAIRS
            .iter()
            .find(|(n, _, _)| *n == axes)
            .ok_or_else(|| {
                SceneError(format!(
                    "`axes` must be one of d1-d2, d1-d3, d2-d3, not `{axes}`"
                ))
            })?;

        let x = embeddings();
        let dots = dot_products(&x)?;
        let len = lengths(&x);
        let cos = cosine_similarity(&dots, &len);
        let tokens = labels(&TOKENS);
        let square = |m: &Array2<f32>| labelled(m, &["token", "token"], &[&tokens, &tokens]);

        let mut out = SceneOutput::default();
        out.push(
            "embeddings",
            labelled(&x, &["token", "dim"], &[&tokens, &labels(&DIMS)]),
        );
        let projection = Array2::from_shape_fn((x.nrows(), 2), |(i, k)| {
            x[[i, if k == 0 { ax } else { ay }]]
        });
        out.push(
            "projection",
            labelled(
                &projection,
                &["token", "dim"],
                &[&tokens, &labels(&[DIMS[ax], DIMS[ay]])],
            ),
        );
        out.push("dot_products", square(&dots));
        out.push("lengths", labelled(&len, &["token"], &[&tokens]));
        out.push("cosine_similarity", square(&cos));
        out.push(
            "similarity_to_first",
            labelled(&cos.row(a).to_owned(), &["token"], &[&tokens]),
        );
        out.push("pair", Value::Text(pair_text(&x, a, b, &len, &dots, &cos)));
        out.push("most_similar", Value::Text(ranking_text(a, &dots, &cos)));
        Ok(out)
    }
}

/// The selected pair worked out term by term: dot product, both lengths, cosine.
fn pair_text(
    x: &Array2<f32>,
    a: usize,
    b: usize,
    len: &Array1<f32>,
    dots: &Array2<f32>,
    cos: &Array2<f32>,
) -> String {
    let (ra, rb) = (x.row(a), x.row(b));
    let products: Vec<String> = ra
        .iter()
        .zip(rb.iter())
        .map(|(p, q)| format!("{}×{}", input_num(*p), input_num(*q)))
        .collect();
    let terms: Vec<String> = ra
        .iter()
        .zip(rb.iter())
        .map(|(p, q)| format!("{:.4}", p * q))
        .collect();
    let length = |i: usize| {
        let squares: Vec<String> = x
            .row(i)
            .iter()
            .map(|v| format!("{}²", input_num(*v)))
            .collect();
        format!(
            "|{}| = √({}) = {:.4}",
            TOKENS[i],
            squares.join(" + "),
            len[i]
        )
    };
    format!(
        "{} · {} = {} = {} = {:.4}\n{}\n{}\ncos({}, {}) = {:.4} / ({:.4} × {:.4}) = {:.4}",
        TOKENS[a],
        TOKENS[b],
        products.join(" + "),
        terms.join(" + "),
        dots[[a, b]],
        length(a),
        length(b),
        TOKENS[a],
        TOKENS[b],
        dots[[a, b]],
        len[a],
        len[b],
        cos[[a, b]]
    )
}

/// The other tokens ranked by cosine similarity to token `a`, and by raw dot product when that
/// order differs (dot products also grow with length).
fn ranking_text(a: usize, dots: &Array2<f32>, cos: &Array2<f32>) -> String {
    let ranked = |m: &Array2<f32>| {
        let mut others: Vec<usize> = (0..TOKENS.len()).filter(|&j| j != a).collect();
        others.sort_by(|&i, &j| m[[a, j]].total_cmp(&m[[a, i]]));
        others
    };
    let by_cos = ranked(cos);
    let by_dot = ranked(dots);
    let list = |order: &[usize], m: &Array2<f32>| {
        order
            .iter()
            .map(|&j| format!("{} {:.4}", TOKENS[j], m[[a, j]]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "Most similar to {}: {} (cosine {:.4}).\nBy cosine: {}.",
        TOKENS[a],
        TOKENS[by_cos[0]],
        cos[[a, by_cos[0]]],
        list(&by_cos, cos)
    );
    if by_cos != by_dot {
        text.push_str(&format!(
            "\nBy raw dot product the order differs: {}.",
            list(&by_dot, dots)
        ));
    } else {
        text.push_str("\nRaw dot products rank them in the same order here.");
    }
    text
}
