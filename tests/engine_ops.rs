//! Invariants of the ops and the model, the book's worked numbers, and validation errors.

use llm_lab::engine::attention::{AttentionOptions, single_head_attention_forward};
use llm_lab::engine::dropout::dropout_forward;
use llm_lab::engine::layer_norm::layer_norm_forward;
use llm_lab::engine::model::GptParams;
use llm_lab::engine::softmax::softmax;
use llm_lab::engine::{AdamW, EngineError, Gpt, GptConfig, Gradients, Mode, Optimizer, Sgd};
use ndarray::{Array1, Array2, arr1, arr2};

fn book_inputs() -> Array2<f32> {
    arr2(&[
        [0.43, 0.15, 0.89],
        [0.55, 0.87, 0.66],
        [0.57, 0.85, 0.64],
        [0.22, 0.58, 0.33],
        [0.77, 0.25, 0.10],
        [0.05, 0.80, 0.55],
    ])
}

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn book_self_attention_context_for_journey() {
    let w_query = arr2(&[[0.2961, 0.5166], [0.2517, 0.6886], [0.0740, 0.8665]]);
    let w_key = arr2(&[[0.1366, 0.1025], [0.1841, 0.7264], [0.3153, 0.6871]]);
    let w_value = arr2(&[[0.0756, 0.1966], [0.3164, 0.4017], [0.1186, 0.8274]]);
    let x = book_inputs();
    let opts = AttentionOptions {
        causal: false,
        scaled: true,
        dropout: None,
    };
    let acts =
        single_head_attention_forward(x.view(), w_query.view(), w_key.view(), w_value.view(), opts)
            .unwrap();
    // the book's context_vec_2 for "journey": [0.3061, 0.8210]
    assert!(
        close(acts.context[[1, 0]], 0.3061, 1e-4) && close(acts.context[[1, 1]], 0.8210, 1e-4),
        "{}",
        acts.context
    );
    // causal: weights above the diagonal are exactly 0 and every row sums to 1
    let causal = AttentionOptions {
        causal: true,
        ..opts
    };
    let acts = single_head_attention_forward(
        x.view(),
        w_query.view(),
        w_key.view(),
        w_value.view(),
        causal,
    )
    .unwrap();
    for ((i, j), &w) in acts.weights.indexed_iter() {
        if j > i {
            assert_eq!(w, 0.0);
            assert_eq!(acts.masked_scores[[i, j]], f32::NEG_INFINITY);
        }
    }
    for row in acts.weights.rows() {
        assert!(close(row.sum(), 1.0, 1e-6));
    }
}

#[test]
#[allow(clippy::approx_constant)] // 6.28 is the book's logit for "toward", not tau
fn softmax_of_the_toy_logits_picks_forward_and_ignores_a_shift() {
    let logits = arr1(&[4.51, 0.89, -1.90, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79]);
    let p = softmax(logits.view()).unwrap();
    assert!(close(p.sum(), 1.0, 1e-6));
    let argmax = p
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    assert_eq!(argmax, 3, "forward");
    let shifted = softmax((&logits + 100.0).view()).unwrap();
    for (a, b) in p.iter().zip(shifted.iter()) {
        assert!(close(*a, *b, 1e-6));
    }
}

#[test]
fn layer_norm_rows_have_mean_zero_and_variance_one() {
    let x = book_inputs();
    let acts =
        layer_norm_forward(x.view(), Array1::ones(3).view(), Array1::zeros(3).view()).unwrap();
    for row in acts.out.rows() {
        assert!(close(row.mean().unwrap(), 0.0, 1e-5));
        let var = row.mapv(|v| v * v).mean().unwrap();
        assert!(close(var, 1.0, 1e-3), "{var}");
    }
}

#[test]
fn dropout_keeps_about_one_minus_p_and_scales_survivors() {
    let x = ndarray::ArrayD::<f32>::ones(ndarray::IxDyn(&[100, 100]));
    let (out, mask) = dropout_forward(x.view(), 0.5, 9).unwrap();
    let kept = mask.sum() / mask.len() as f32;
    assert!(close(kept, 0.5, 0.03), "{kept}");
    assert!(out.iter().all(|&v| v == 0.0 || v == 2.0));
}

fn cfg() -> GptConfig {
    GptConfig {
        vocab_size: 11,
        context_length: 6,
        emb_dim: 8,
        n_heads: 2,
        n_layers: 2,
        drop_rate: 0.1,
        qkv_bias: false,
    }
}

#[test]
fn parameter_counts_match_the_book() {
    let gpt2 = GptConfig {
        vocab_size: 50257,
        context_length: 1024,
        emb_dim: 768,
        n_heads: 12,
        n_layers: 12,
        drop_rate: 0.1,
        qkv_bias: false,
    };
    assert_eq!(gpt2.num_parameters(), 163_009_536);
    let bench_tiny = GptConfig {
        vocab_size: 512,
        context_length: 64,
        emb_dim: 64,
        n_heads: 4,
        n_layers: 2,
        ..gpt2
    };
    assert_eq!(bench_tiny.num_parameters(), 169_344);
    let model = Gpt::new(cfg(), 1).unwrap();
    assert_eq!(model.num_parameters(), cfg().num_parameters());
    let names: Vec<String> = model
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names[..6],
        [
            "tok_emb.weight",
            "pos_emb.weight",
            "trf_blocks.0.att.W_query.weight",
            "trf_blocks.0.att.W_key.weight",
            "trf_blocks.0.att.W_value.weight",
            "trf_blocks.0.att.out_proj.weight"
        ]
    );
    assert_eq!(names.last().unwrap(), "out_head.weight");
}

#[test]
fn forward_pass_exposes_every_intermediate_by_path() {
    let model = Gpt::new(cfg(), 1).unwrap();
    let ids = arr2(&[[1usize, 2, 3, 4], [5, 6, 7, 8]]);
    let eval = model.forward(ids.view(), Mode::Eval).unwrap();
    let shape = |p: &str| {
        eval.get(p)
            .unwrap_or_else(|| panic!("missing {p}"))
            .shape()
            .to_vec()
    };
    assert_eq!(shape("trf_blocks.0.att.queries"), [2, 2, 4, 4]);
    assert_eq!(shape("trf_blocks.1.att.weights"), [2, 2, 4, 4]);
    assert_eq!(shape("trf_blocks.0.att.masked_scores"), [2, 2, 4, 4]);
    assert_eq!(shape("trf_blocks.0.ff.hidden"), [2, 4, 32]);
    assert_eq!(shape("trf_blocks.0.norm1.out"), [2, 4, 8]);
    assert_eq!(shape("logits"), [2, 4, 11]);
    assert!(
        eval.get("trf_blocks.0.att.dropout_mask").is_none(),
        "no dropout in eval"
    );
    let probs = eval.get("probs").unwrap();
    for row in probs.to_shape((8, 11)).unwrap().rows() {
        assert!(close(row.sum(), 1.0, 1e-5));
    }
    // queries seen by head: head 1 of batch 0 at position 2 is columns 4..8 of the merged queries
    let q = eval.get("trf_blocks.0.att.queries").unwrap();
    let merged = &eval.get("trf_blocks.0.att.context").unwrap();
    assert_eq!(merged.shape(), [2, 4, 8]);
    assert_eq!(q.shape()[3], 4);
    // each head's q, k, v at its path equal norm1.out · Wᵀ in that head's columns
    let n1 = eval
        .get("trf_blocks.0.norm1.out")
        .unwrap()
        .to_shape((8, 8))
        .unwrap()
        .to_owned();
    let params = model.named_parameters();
    for (path, weight) in [
        ("queries", "W_query"),
        ("keys", "W_key"),
        ("values", "W_value"),
    ] {
        let w = params
            .iter()
            .find(|(n, _)| n == &format!("trf_blocks.0.att.{weight}.weight"))
            .unwrap();
        let w = w.1.clone().into_dimensionality::<ndarray::Ix2>().unwrap();
        let want = n1.dot(&w.t());
        let got = eval.get(&format!("trf_blocks.0.att.{path}")).unwrap();
        for ((bi, h, t, d), &v) in got
            .into_dimensionality::<ndarray::Ix4>()
            .unwrap()
            .indexed_iter()
        {
            assert!(
                close(v, want[[bi * 4 + t, h * 4 + d]], 1e-5),
                "{path} at {bi} {h} {t} {d}"
            );
        }
    }
    let train = model.forward(ids.view(), Mode::Train { seed: 5 }).unwrap();
    for p in [
        "drop_emb.dropout_mask",
        "trf_blocks.0.att.dropout_mask",
        "trf_blocks.1.shortcut2.dropout_mask",
    ] {
        assert!(train.paths().iter().any(|x| x == p), "missing {p}");
    }
    let (_, grads, _) = model
        .loss_and_grads(ids.view(), ids.view(), Mode::Eval)
        .unwrap();
    assert_eq!(grads.get("grad.out_head.weight").unwrap().shape(), [11, 8]);
    assert_eq!(grads.paths()[0], "grad.tok_emb.weight");
}

#[test]
fn bad_inputs_return_errors_not_panics() {
    let bad = GptConfig {
        n_heads: 3,
        ..cfg()
    };
    assert!(matches!(Gpt::new(bad, 1), Err(EngineError::Config(_))));
    assert!(
        Gpt::new(
            GptConfig {
                drop_rate: 1.0,
                ..cfg()
            },
            1
        )
        .is_err()
    );
    assert!(
        Gpt::new(
            GptConfig {
                vocab_size: 0,
                ..cfg()
            },
            1
        )
        .is_err()
    );
    let mut model = Gpt::new(cfg(), 1).unwrap();
    let too_long = Array2::<usize>::zeros((1, 7));
    assert!(matches!(
        model.forward(too_long.view(), Mode::Eval),
        Err(EngineError::SequenceTooLong { .. })
    ));
    let out_of_vocab = arr2(&[[1usize, 11]]);
    let err = model.forward(out_of_vocab.view(), Mode::Eval).unwrap_err();
    assert!(err.to_string().contains("token id 11"), "{err}");
    let empty = Array2::<usize>::zeros((1, 0));
    assert!(model.forward(empty.view(), Mode::Eval).is_err());
    let ids = arr2(&[[1usize, 2]]);
    assert!(
        model
            .loss_and_grads(ids.view(), arr2(&[[1usize]]).view(), Mode::Eval)
            .is_err()
    );
    let wrong = ndarray::ArrayD::<f32>::zeros(ndarray::IxDyn(&[3, 3]));
    let err = model
        .set_parameter("out_head.weight", wrong.view())
        .unwrap_err();
    assert!(
        err.to_string().contains("[11, 8]") && err.to_string().contains("[3, 3]"),
        "{err}"
    );
    assert!(matches!(
        model.set_parameter("nope", wrong.view()),
        Err(EngineError::UnknownParameter(_))
    ));
    let nan = ndarray::ArrayD::<f32>::from_elem(ndarray::IxDyn(&[11, 8]), f32::NAN);
    assert!(model.set_parameter("out_head.weight", nan.view()).is_err());
    assert!(model.set_threads(0).is_err());
}

#[test]
fn adamw_first_step_matches_pytorch_and_sgd_steps_down_the_gradient() {
    // With a constant gradient g the first AdamW step moves every parameter by lr·sign(g), after
    // the decoupled decay p·(1 - lr·wd): torch.optim.AdamW's first step.
    let mut model = Gpt::new(cfg(), 2).unwrap();
    let before = model.named_parameters();
    let mut params = GptParams::zeros(&cfg());
    for (_, mut a) in params.entries_mut() {
        a.fill(0.5);
    }
    let grads = Gradients { params };
    let (lr, wd) = (0.1f32, 0.1f32);
    AdamW::new(lr, (0.9, 0.999), 1e-8, wd)
        .step(&mut model, &grads)
        .unwrap();
    for ((_, b), (_, a)) in before.iter().zip(model.named_parameters()) {
        for (&b, &a) in b.iter().zip(a.iter()) {
            assert!(close(a, b * (1.0 - lr * wd) - lr, 1e-6), "{b} -> {a}");
        }
    }
    let before = model.named_parameters();
    Sgd::new(0.2).step(&mut model, &grads).unwrap();
    for ((_, b), (_, a)) in before.iter().zip(model.named_parameters()) {
        for (&b, &a) in b.iter().zip(a.iter()) {
            assert!(close(a, b - 0.1, 1e-6));
        }
    }
}
