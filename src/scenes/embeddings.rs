//! Lesson 7, token and position embeddings: a lookup is a one-hot row times the table; learned
//! positions are added so two copies of one token at different places differ. Both lookups are
//! the engine's embedding op; the one-hot product (the engine's matmul) is shown equal to them.

use super::book::{TOKENS, labels, token_index};
use super::ops::{self, max_abs_diff};
use super::{Scene, SceneContext, SceneError, labelled, params, row_4dp};
use crate::lessons::ParamValues;
use crate::results::{SceneOutput, Tensor, Value};
use crate::ui::widgets::shapes::ShapeTrace;
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

pub struct Embeddings;

/// The token sequences the learner can pick (every word is in the book's six-token vocabulary).
/// The first repeats tokens on purpose: without positions, the copies would be identical.
pub const SEQUENCES: [&str; 3] = [
    "one step with one step",
    "Your journey starts with one step",
    "step one step one",
];

/// ids: (T,) -> one-hot (T, V): row t has a single 1 in column ids[t].
pub fn one_hot(ids: &[usize], vocab: usize) -> Array2<f32> {
    let mut m = Array2::zeros((ids.len(), vocab));
    for (t, &id) in ids.iter().enumerate() {
        m[[t, id]] = 1.0;
    }
    m
}

/// The largest random draw the scene accepts (the lesson's `draw` parameter, 0..=MAX_DRAW).
pub const MAX_DRAW: i64 = 99;

/// Which table a random stream fills.
#[derive(Clone, Copy)]
enum Table {
    Token = 0,
    Position = 1,
}

/// A (rows, cols) table of standard normal values (as nn.Embedding initialises its weight), from
/// a stream keyed by the global seed, the learner's draw and the table: `--seed` changes every
/// table, the draw gives another pair under the same seed, and the two tables never share a stream.
fn normal_table(rows: usize, cols: usize, seed: u64, draw: u64, table: Table) -> Array2<f32> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&draw.to_le_bytes());
    key[16..24].copy_from_slice(&(table as u64).to_le_bytes());
    let mut rng = rand_chacha::ChaCha8Rng::from_seed(key);
    Array2::from_shape_simple_fn((rows, cols), || StandardNormal.sample(&mut rng))
}

fn token_ids(sequence: &str) -> Result<Vec<usize>, SceneError> {
    sequence
        .split_whitespace()
        .map(|w| token_index("sequence", w))
        .collect()
}

/// Dimension labels counted from 1, as in the other lessons (`d1`, `d2`, ...).
fn dims(c: usize) -> Vec<String> {
    (1..=c).map(|i| format!("d{i}")).collect()
}

impl Scene for Embeddings {
    fn name(&self) -> &'static str {
        "embeddings"
    }

    fn compute(&self, params: &ParamValues, ctx: &SceneContext) -> Result<SceneOutput, SceneError> {
        let emb_dim = params::int(params, "emb_dim")?;
        let context = params::int(params, "context_length")?;
        let draw = params::int(params, "draw")?;
        let sequence = params::text(params, "sequence")?;
        if !(1..=64).contains(&emb_dim) {
            return Err(SceneError(format!(
                "`emb_dim` must be between 1 and 64, not {emb_dim}"
            )));
        }
        if !(0..=MAX_DRAW).contains(&draw) {
            return Err(SceneError(format!(
                "`draw` must be between 0 and {MAX_DRAW}, not {draw}"
            )));
        }
        let ids = token_ids(sequence)?;
        let t = ids.len();
        if context < 1 || (context as usize) < t {
            return Err(SceneError(format!(
                "context length {context} is shorter than the {t} tokens of the sequence; raise it with `x`"
            )));
        }
        let (c, ctx_len, v) = (emb_dim as usize, context as usize, TOKENS.len());
        let draw = draw as u64;
        let tok_table = normal_table(v, c, ctx.seed, draw, Table::Token);
        let pos_table = normal_table(ctx_len, c, ctx.seed, draw, Table::Position);

        let tok_emb = ops::lookup(&ids, tok_table.view())?;
        let hot = one_hot(&ids, v);
        let product = ops::matmul(hot.view(), tok_table.view())?;
        let positions: Vec<usize> = (0..t).collect();
        let pos_emb = ops::lookup(&positions, pos_table.view())?;
        let input = &tok_emb + &pos_emb;
        let max_diff = max_abs_diff(&product, &tok_emb);

        let words: Vec<String> = ids.iter().map(|&i| TOKENS[i].to_string()).collect();
        let seq_labels: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(p, w)| format!("{w}@{p}"))
            .collect();
        let pos_labels: Vec<String> = (0..ctx_len).map(|p| format!("pos {p}")).collect();
        let dims = dims(c);
        let vocab = labels(&TOKENS);
        let per_token = |m: &Array2<f32>| labelled(m, &["token", "dim"], &[&seq_labels, &dims]);

        let mut out = SceneOutput::default();
        out.push(
            "token_table",
            labelled(&tok_table, &["vocab", "dim"], &[&vocab, &dims]),
        );
        out.push(
            "position_table",
            labelled(&pos_table, &["position", "dim"], &[&pos_labels, &dims]),
        );
        out.push(
            "ids",
            Value::Tensor(
                Tensor::new(vec![t], ids.iter().map(|&i| i as f32).collect())
                    .with_axes(&["token"])
                    .with_labels(0, seq_labels.clone()),
            ),
        );
        out.push(
            "one_hot",
            labelled(&hot, &["token", "vocab"], &[&seq_labels, &vocab]),
        );
        out.push("token_embeddings", per_token(&tok_emb));
        out.push("one_hot_product", per_token(&product));
        out.push("position_embeddings", per_token(&pos_emb));
        out.push("input_embeddings", per_token(&input));
        out.push(
            "shapes",
            Value::Text(
                ShapeTrace::default()
                    .push("ids", &[1, t])
                    .push("token lookup", &[1, t, c])
                    .push("+ positions", &[1, t, c])
                    .to_text(),
            ),
        );
        out.push(
            "lookup_vs_product",
            Value::Text(lookup_text(&ids, &hot, &product, &tok_table, max_diff)),
        );
        out.push(
            "repeats",
            Value::Text(repeats_text(&words, &tok_emb, &input)),
        );
        Ok(out)
    }
}

/// The first token's lookup written out as a one-hot product (`product` = one_hot @ table).
fn lookup_text(
    ids: &[usize],
    hot: &Array2<f32>,
    product: &Array2<f32>,
    table: &Array2<f32>,
    max_diff: f32,
) -> String {
    let id = ids[0];
    let ones: Vec<String> = hot.row(0).iter().map(|v| format!("{v:.0}")).collect();
    format!(
        "token 0 is \"{}\", id {id}\n\
         one-hot row [{}] @ token_table\n\
         = 1 × row {id} + 0 × every other row\n\
         = {}\n\
         lookup: token_table[{id}] = {}\n\
         max |one_hot @ table − lookup| over all {} tokens = {max_diff}",
        TOKENS[id],
        ones.join(", "),
        row_4dp(product.row(0)),
        row_4dp(table.row(id)),
        ids.len(),
    )
}

/// For the first repeated token: its copies before and after adding positions.
fn repeats_text(words: &[String], tok: &Array2<f32>, input: &Array2<f32>) -> String {
    let dist =
        |m: &Array2<f32>, a: usize, b: usize| (&m.row(a) - &m.row(b)).mapv(|d| d * d).sum().sqrt();
    for a in 0..words.len() {
        if let Some(b) = (a + 1..words.len()).find(|&b| words[b] == words[a]) {
            return format!(
                "\"{w}\" appears at positions {a} and {b}.\n\
                 token embeddings: {} and {} (distance {:.4})\n\
                 with positions added: {} and {} (distance {:.4})",
                row_4dp(tok.row(a)),
                row_4dp(tok.row(b)),
                dist(tok, a, b),
                row_4dp(input.row(a)),
                row_4dp(input.row(b)),
                dist(input, a, b),
                w = words[a],
            );
        }
    }
    "No token repeats in this sequence; pick one with a repeat (key w) to compare copies.".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::ParamValue;
    use crate::scenes::testing::tensor;

    fn params(seq: &str, ctx: i64) -> ParamValues {
        let mut p = ParamValues::new();
        p.insert("emb_dim".into(), ParamValue::Int(3));
        p.insert("context_length".into(), ParamValue::Int(ctx));
        p.insert("draw".into(), ParamValue::Int(0));
        p.insert("sequence".into(), ParamValue::Text(seq.into()));
        p
    }

    #[test]
    fn one_hot_product_equals_lookup_and_positions_separate_copies() {
        let out = Embeddings
            .compute(&params(SEQUENCES[0], 6), &SceneContext::default())
            .unwrap();
        assert_eq!(
            tensor(&out, "one_hot_product").data,
            tensor(&out, "token_embeddings").data
        );
        let tok = tensor(&out, "token_embeddings");
        let inp = tensor(&out, "input_embeddings");
        assert_eq!(tok.shape, vec![5, 3]);
        // "one" at 0 and 3: identical token rows, different input rows.
        assert_eq!(tok.data[0..3], tok.data[9..12]);
        assert_ne!(inp.data[0..3], inp.data[9..12]);
        let pos = tensor(&out, "position_table");
        assert_eq!(pos.shape, vec![6, 3]);
        for i in 0..15 {
            let p = i / 3;
            assert_eq!(inp.data[i], tok.data[i] + pos.data[p * 3 + i % 3]);
        }
    }

    #[test]
    fn seeded_and_validated() {
        let a = Embeddings
            .compute(&params(SEQUENCES[1], 8), &SceneContext::default())
            .unwrap();
        let b = Embeddings
            .compute(&params(SEQUENCES[1], 8), &SceneContext::default())
            .unwrap();
        assert_eq!(a, b);
        let err = Embeddings
            .compute(&params(SEQUENCES[1], 4), &SceneContext::default())
            .unwrap_err();
        assert!(err.0.contains("shorter than the 6 tokens"), "{err}");
        let mut p = params(SEQUENCES[1], 8);
        p.insert("draw".into(), ParamValue::Int(MAX_DRAW + 1));
        let err = Embeddings
            .compute(&p, &SceneContext::default())
            .unwrap_err();
        assert!(err.0.contains("`draw` must be between 0 and 99"), "{err}");
    }

    fn tables(seed: u64, draw: i64) -> (Vec<f32>, Vec<f32>) {
        let mut p = params(SEQUENCES[1], 6);
        p.insert("draw".into(), ParamValue::Int(draw));
        let ctx = SceneContext {
            seed,
            ..SceneContext::default()
        };
        let out = Embeddings.compute(&p, &ctx).unwrap();
        let tok = tensor(&out, "token_table").data.clone();
        (tok, tensor(&out, "position_table").data.clone())
    }

    #[test]
    fn the_global_seed_and_the_draw_both_pick_the_tables() {
        let base = tables(42, 0);
        assert_eq!(tables(42, 0), base, "same --seed, same draw: same screen");
        let other_seed = tables(7, 0);
        assert_ne!(other_seed.0, base.0, "--seed changes the token table");
        assert_ne!(other_seed.1, base.1, "--seed changes the position table");
        let other_draw = tables(42, 1);
        assert_ne!(other_draw.0, base.0, "a new draw changes the token table");
        assert_ne!(
            other_draw.1, base.1,
            "a new draw changes the position table"
        );
        assert_ne!(tables(7, 0), tables(42, 1));
        // The two tables come from separate streams: the position table does not start with
        // the token table's numbers.
        assert_ne!(base.0[..6], base.1[..6]);
    }
}
