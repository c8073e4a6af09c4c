//! The scenes of lessons 1-3 against the book's numbers (to 4 decimals) and their invariants.

use llm_lab::lessons::{ParamValue, ParamValues};
use llm_lab::results::{SceneOutput, Tensor, Value};
use llm_lab::scenes::{self, SceneContext};
use llm_lab::ui::widgets::shapes::ShapeTrace;

fn run(scene: &str, params: &[(&str, ParamValue)], seed: u64) -> SceneOutput {
    let params: ParamValues = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let ctx = SceneContext {
        seed,
        ..SceneContext::default()
    };
    scenes::find(scene)
        .unwrap_or_else(|| panic!("scene {scene} is registered"))
        .compute(&params, &ctx)
        .unwrap()
}

fn text(s: &str) -> ParamValue {
    ParamValue::Text(s.to_string())
}

fn tensor<'a>(out: &'a SceneOutput, name: &str) -> &'a Tensor {
    match out.get(name) {
        Some(Value::Tensor(t)) => t,
        other => panic!("{name}: expected a tensor, got {other:?}"),
    }
}

fn words<'a>(out: &'a SceneOutput, name: &str) -> &'a str {
    match out.get(name) {
        Some(Value::Text(t)) => t,
        other => panic!("{name}: expected text, got {other:?}"),
    }
}

fn assert_close(got: &[f32], want: &[f32], tol: f32) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{got:?} vs {want:?}");
    }
}

fn vectors(first: &str, second: &str, axes: &str) -> SceneOutput {
    run(
        "vectors",
        &[
            ("first", text(first)),
            ("second", text(second)),
            ("axes", text(axes)),
        ],
        42,
    )
}

#[test]
fn attention_scores_of_journey_match_the_book() {
    let out = vectors("journey", "starts", "d1-d2");
    let dots = tensor(&out, "dot_products");
    assert_eq!(dots.shape, [6, 6]);
    // The book's attention scores for the query "journey" (chapter 3).
    assert_close(
        &dots.data[6..12],
        &[0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865],
        5e-5,
    );
    // Symmetric, with token labels on both axes.
    for i in 0..6 {
        for j in 0..6 {
            assert_eq!(dots.data[i * 6 + j], dots.data[j * 6 + i]);
        }
    }
    assert_eq!(dots.labels[1].as_ref().unwrap()[1], "journey");
}

#[test]
fn cosines_lengths_and_the_nearest_token() {
    let out = vectors("journey", "starts", "d1-d2");
    let cos = tensor(&out, "cosine_similarity");
    let len = tensor(&out, "lengths");
    // |journey| = √(0.55² + 0.87² + 0.66²) = √1.495
    assert!((len.data[1] - 1.495f32.sqrt()).abs() < 1e-6);
    for i in 0..6 {
        assert!((cos.data[i * 6 + i] - 1.0).abs() < 1e-6, "diagonal is 1");
    }
    // cos(journey, starts) = 1.4754 / (1.2227 × 1.2071)
    assert!((cos.data[6 + 2] - 0.9997).abs() < 5e-5, "{}", cos.data[8]);
    let near = words(&out, "most_similar");
    assert!(
        near.starts_with("Most similar to journey: starts"),
        "{near}"
    );
    // "with" is second by cosine but only fourth by raw dot product.
    assert!(
        near.contains("By cosine: starts 0.9997, with 0.9817"),
        "{near}"
    );
    assert!(near.contains("order differs"), "{near}");
    let row = tensor(&out, "similarity_to_first");
    assert_eq!(row.data, cos.data[6..12]);
}

#[test]
fn the_pair_is_written_out_term_by_term() {
    let out = vectors("journey", "starts", "d1-d2");
    let pair = words(&out, "pair");
    assert!(
        pair.starts_with("journey · starts = 0.55×0.57 + 0.87×0.85 + 0.66×0.64 = "),
        "{pair}"
    );
    assert!(pair.contains("= 1.4754\n"), "{pair}");
    let other = vectors("Your", "one", "d1-d2");
    assert!(words(&other, "pair").starts_with("Your · one = 0.43×0.77"));
}

#[test]
fn the_projection_follows_the_chosen_axes() {
    let out = vectors("journey", "starts", "d2-d3");
    let p = tensor(&out, "projection");
    assert_eq!(p.shape, [6, 2]);
    assert_eq!(&p.data[2..4], &[0.87, 0.66], "journey's d2 and d3");
    assert_eq!(p.labels[1].as_ref().unwrap(), &["d2", "d3"]);
}

fn projections(d_out: i64, storage: &str, seed: u64) -> SceneOutput {
    run(
        "projections",
        &[
            ("d_out", ParamValue::Int(d_out)),
            ("storage", text(storage)),
            ("token", text("journey")),
        ],
        seed,
    )
}

#[test]
fn queries_through_the_books_w_query() {
    let out = projections(2, "in_out", 42);
    let xw = tensor(&out, "xw");
    assert_eq!(xw.shape, [6, 2]);
    // The book prints query_2 = [0.4306, 1.4551], computed with unrounded weights; its W_query
    // is printed to 4 decimals, and those rounded weights give 0.55·0.2961 + 0.87·0.2517 +
    // 0.66·0.0740 = 0.430674.
    assert_close(&xw.data[2..4], &[0.430674, 1.4551], 1e-4);
    let w = tensor(&out, "w");
    assert_eq!(w.shape, [3, 2]);
    assert_eq!(w.axes, ["in", "out"]);
    let row = words(&out, "row_written_out");
    assert!(
        row.contains("o1 = 0.55×0.2961 + 0.87×0.2517 + 0.66×0.0740 = 0.4307"),
        "{row}"
    );
}

#[test]
fn out_in_storage_gives_the_same_numbers() {
    let a = projections(2, "in_out", 42);
    let b = projections(2, "out_in", 42);
    assert_eq!(tensor(&a, "xw").data, tensor(&b, "xw").data);
    let w = tensor(&b, "w");
    assert_eq!(w.shape, [2, 3]);
    assert_eq!(w.axes, ["out", "in"]);
    // Row 0 of the (out, in) layout is column 0 of W_query.
    assert_eq!(w.data[..3], [0.2961, 0.2517, 0.0740]);
    assert_eq!(tensor(&b, "max_abs_difference").data, [0.0]);
    // Both storages publish a trace the shape tracer draws, one `op (d1, d2)` step a line.
    assert_eq!(words(&a, "shapes"), "X (6, 3)\n@ W (3, 2) (6, 2)");
    assert_eq!(
        words(&b, "shapes"),
        "W stored (out, in) (2, 3)\ntranspose, no copy (3, 2)\nX (6, 3) @ Wᵀ (6, 2)"
    );
    for out in [&a, &b] {
        let trace = ShapeTrace::parse(words(out, "shapes")).unwrap();
        assert_eq!(trace.steps.last().unwrap().1, [6, 2]);
    }
}

#[test]
fn wider_outputs_keep_the_books_columns_and_follow_the_seed() {
    let a = projections(5, "in_out", 7);
    let xw = tensor(&a, "xw");
    assert_eq!(xw.shape, [6, 5]);
    let narrow = tensor(&projections(2, "in_out", 7), "xw").data.clone();
    for r in 0..6 {
        assert_eq!(&xw.data[r * 5..r * 5 + 2], &narrow[r * 2..r * 2 + 2]);
    }
    assert_eq!(
        tensor(&projections(5, "in_out", 7), "xw").data,
        xw.data,
        "same seed, same numbers"
    );
    assert_ne!(
        tensor(&projections(5, "in_out", 8), "xw").data,
        xw.data,
        "another seed draws other columns"
    );
    assert!(words(&a, "weight_source").contains("random"));
    assert!(words(&a, "shapes").ends_with("@ W (3, 5) (6, 5)"));
}

fn softmax(temperature: f64, shift: f64) -> SceneOutput {
    run(
        "softmax",
        &[
            ("temperature", ParamValue::Float(temperature)),
            ("shift", ParamValue::Float(shift)),
        ],
        42,
    )
}

#[test]
fn softmax_of_the_toy_logits_matches_the_book() {
    let out = softmax(1.0, 0.0);
    let p = tensor(&out, "probabilities");
    // torch.softmax of the book's next-token logits.
    assert_close(
        &p.data,
        &[
            0.0609, 0.0016, 0.0001, 0.5721, 0.0034, 0.0001, 0.0001, 0.3576, 0.0040,
        ],
        5e-5,
    );
    assert!((p.data.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    assert_eq!(words(&out, "argmax"), "forward");
    assert_eq!(p.labels[0].as_ref().unwrap()[3], "forward");
    assert_eq!(tensor(&out, "stable_logits").data[3], 0.0);
}

#[test]
fn adding_a_constant_changes_nothing_but_the_naive_formula_breaks() {
    let base = tensor(&softmax(1.0, 0.0), "probabilities").data.clone();
    for shift in [-200.0, -50.0, 50.0, 90.0, 200.0] {
        let out = softmax(1.0, shift);
        assert_close(&tensor(&out, "probabilities").data, &base, 1e-6);
    }
    let hot = softmax(1.0, 90.0);
    assert!(
        tensor(&hot, "naive_probabilities")
            .data
            .iter()
            .any(|v| v.is_nan())
    );
    assert!(words(&hot, "overflow").contains("inf"));
    let cold = softmax(1.0, -200.0);
    assert!(
        tensor(&cold, "naive_probabilities")
            .data
            .iter()
            .all(|v| v.is_nan())
    );
    assert!(words(&cold, "overflow").contains("underflows"));
    let calm = softmax(1.0, 50.0);
    assert_close(&tensor(&calm, "naive_probabilities").data, &base, 1e-6);
    assert!(words(&calm, "overflow").contains("agree"));
}

#[test]
fn temperature_sharpens_and_flattens() {
    let entropy = |t: f64| tensor(&softmax(t, 0.0), "entropy").data[0];
    assert!(entropy(0.5) < entropy(1.0) && entropy(1.0) < entropy(5.0));
    assert!(entropy(5.0) < 9f32.ln());
    // The book's temperature-5 distribution gives "pizza" about 4.3%.
    let p = tensor(&softmax(5.0, 0.0), "probabilities").data.clone();
    assert!((p[6] - 0.0430).abs() < 5e-4, "{}", p[6]);
    let sharp = tensor(&softmax(0.1, 0.0), "probabilities").data.clone();
    assert!(sharp[3] > 0.99, "nearly one-hot on forward");
    assert_eq!(words(&softmax(5.0, 0.0), "argmax"), "forward");
}

#[test]
fn missing_or_bad_parameters_are_refused_with_a_message() {
    let scene = scenes::find("softmax").unwrap();
    let err = scene
        .compute(&ParamValues::new(), &SceneContext::default())
        .unwrap_err();
    assert!(err.to_string().contains("temperature"), "{err}");
    let scene = scenes::find("vectors").unwrap();
    let params: ParamValues = [
        ("first".to_string(), text("trip")),
        ("second".to_string(), text("one")),
        ("axes".to_string(), text("d1-d2")),
    ]
    .into();
    let err = scene
        .compute(&params, &SceneContext::default())
        .unwrap_err();
    assert!(err.to_string().contains("journey"), "{err}");
}
