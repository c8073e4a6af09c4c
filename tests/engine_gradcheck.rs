//! Finite-difference checks of every hand-written backward, on tiny shapes.
//!
//! Each op's output is reduced to a scalar L = Σ out · R with a fixed random R, so dL/dout = R, and
//! the analytic input and parameter gradients are compared with central differences of L.

use llm_lab::engine::attention::{
    AttentionOptions, Keep, LayerDropout, MultiHeadAttention, multi_head_attention_backward,
    multi_head_attention_forward, single_head_attention_backward, single_head_attention_forward,
};
use llm_lab::engine::block::{Block, BlockDropout, block_backward, block_forward};
use llm_lab::engine::cross_entropy::{cross_entropy_backward, cross_entropy_forward};
use llm_lab::engine::dropout::{dropout_backward, dropout_forward};
use llm_lab::engine::embedding::{embedding_backward, embedding_forward};
use llm_lab::engine::feed_forward::{FeedForward, feed_forward_backward, feed_forward_forward};
use llm_lab::engine::gelu::{gelu_backward, gelu_forward};
use llm_lab::engine::layer_norm::{layer_norm_backward, layer_norm_forward};
use llm_lab::engine::linear::{Linear, linear_backward, linear_forward};
use llm_lab::engine::mask::{causal_mask_backward, causal_mask_forward};
use llm_lab::engine::rng::{stream_key, uniform};
use llm_lab::engine::softmax::{softmax_rows_backward, softmax_rows_forward};
use llm_lab::engine::{Gpt, GptConfig, Mode};
use ndarray::{Array, Array1, Array2, Array3, ArrayD, Dimension, IxDyn};

const EPS: f32 = 1e-2;

/// Deterministic values in [-1, 1) from a stream.
fn rand_array<Sh: ndarray::ShapeBuilder<Dim = D>, D: Dimension>(
    shape: Sh,
    stream: u64,
) -> Array<f32, D> {
    let key = stream_key(99, stream);
    let mut i = 0u64;
    Array::from_shape_simple_fn(shape, || {
        i += 1;
        uniform(key, i) * 2.0 - 1.0
    })
}

/// Σ a · r in f64.
fn dot<D: Dimension>(a: &Array<f32, D>, r: &Array<f32, D>) -> f64 {
    a.iter()
        .zip(r.iter())
        .map(|(&a, &r)| a as f64 * r as f64)
        .sum()
}

/// Central-difference gradient of `f` at `x`, element by element.
fn numeric<D: Dimension>(x: &Array<f32, D>, f: &dyn Fn(&Array<f32, D>) -> f64) -> Array<f32, D> {
    let mut grad = Array::zeros(x.raw_dim());
    let mut probe = x.clone();
    for i in 0..x.len() {
        let orig = probe.as_slice().unwrap()[i];
        probe.as_slice_mut().unwrap()[i] = orig + EPS;
        let up = f(&probe);
        probe.as_slice_mut().unwrap()[i] = orig - EPS;
        let down = f(&probe);
        probe.as_slice_mut().unwrap()[i] = orig;
        grad.as_slice_mut().unwrap()[i] = ((up - down) / (2.0 * EPS as f64)) as f32;
    }
    grad
}

fn assert_grad<D: Dimension>(what: &str, analytic: &Array<f32, D>, numeric: &Array<f32, D>) {
    assert_eq!(analytic.shape(), numeric.shape(), "{what}: shapes");
    let mut worst = 0.0f32;
    for (i, (&a, &n)) in analytic.iter().zip(numeric.iter()).enumerate() {
        let err = (a - n).abs();
        let tol = 2e-3 + 2e-2 * a.abs().max(n.abs());
        assert!(err <= tol, "{what}[{i}]: analytic {a} vs numeric {n}");
        worst = worst.max(err);
    }
    // a gradient check that compares zeros with zeros proves nothing; the key bias is the one
    // exception: it adds q·b to a whole row of scores, which softmax ignores, so its gradient is 0
    assert!(
        what.contains("W_key.bias") || analytic.iter().any(|v| v.abs() > 1e-4),
        "{what}: gradient is all zero"
    );
}

#[test]
fn linear_backward_matches_finite_differences() {
    let x = rand_array((3, 4), 1);
    let w = rand_array((5, 4), 2);
    let b = rand_array(5, 3);
    let r = rand_array((3, 5), 4);
    let loss = |x: &Array2<f32>, w: &Array2<f32>, b: &Array1<f32>| {
        dot(
            &linear_forward(x.view(), w.view(), Some(b.view())).unwrap(),
            &r,
        )
    };
    let g = linear_backward(r.view(), x.view(), w.view(), true).unwrap();
    assert_grad("dx", &g.dx, &numeric(&x, &|x| loss(x, &w, &b)));
    assert_grad(
        "dweight",
        &g.params.weight,
        &numeric(&w, &|w| loss(&x, w, &b)),
    );
    assert_grad(
        "dbias",
        g.params.bias.as_ref().unwrap(),
        &numeric(&b, &|b| loss(&x, &w, b)),
    );
}

#[test]
fn layer_norm_backward_matches_finite_differences() {
    let x = rand_array((3, 13), 5) * 2.0;
    let scale = rand_array(13, 6) + 1.0;
    let shift = rand_array(13, 7);
    let r = rand_array((3, 13), 8);
    let loss = |x: &Array2<f32>, s: &Array1<f32>, h: &Array1<f32>| {
        dot(
            &layer_norm_forward(x.view(), s.view(), h.view())
                .unwrap()
                .out,
            &r,
        )
    };
    let acts = layer_norm_forward(x.view(), scale.view(), shift.view()).unwrap();
    let g = layer_norm_backward(
        r.view(),
        x.view(),
        scale.view(),
        acts.mean.view(),
        acts.rstd.view(),
    )
    .unwrap();
    assert_grad("dx", &g.dx, &numeric(&x, &|x| loss(x, &scale, &shift)));
    assert_grad(
        "dscale",
        &g.params.scale,
        &numeric(&scale, &|s| loss(&x, s, &shift)),
    );
    assert_grad(
        "dshift",
        &g.params.shift,
        &numeric(&shift, &|h| loss(&x, &scale, h)),
    );
}

#[test]
fn gelu_backward_matches_finite_differences() {
    let x: ArrayD<f32> = (rand_array(9, 9) * 3.0).into_dyn();
    let r: ArrayD<f32> = rand_array(9, 10).into_dyn();
    let g = gelu_backward(r.view(), x.view()).unwrap();
    assert_grad(
        "dx",
        &g,
        &numeric(&x, &|x| dot(&gelu_forward(x.view()), &r)),
    );
}

#[test]
fn softmax_backward_matches_finite_differences() {
    let x = rand_array((3, 4), 11) * 3.0;
    let r = rand_array((3, 4), 12);
    let y = softmax_rows_forward(x.view()).unwrap();
    let g = softmax_rows_backward(y.view(), r.view()).unwrap();
    assert_grad(
        "dx",
        &g,
        &numeric(&x, &|x| dot(&softmax_rows_forward(x.view()).unwrap(), &r)),
    );
}

#[test]
fn causal_mask_then_softmax_backward_matches_finite_differences() {
    let x = rand_array((4, 4), 13) * 2.0;
    let r = rand_array((4, 4), 14);
    let f = |x: &Array2<f32>| softmax_rows_forward(causal_mask_forward(x.view()).view()).unwrap();
    let y = f(&x);
    let g = causal_mask_backward(softmax_rows_backward(y.view(), r.view()).unwrap().view());
    assert_grad("dscores", &g, &numeric(&x, &|x| dot(&f(x), &r)));
}

#[test]
fn cross_entropy_backward_matches_finite_differences() {
    let logits = rand_array((4, 5), 15) * 2.0;
    let targets = Array1::from(vec![0usize, 4, 2, 2]);
    let (_, probs) = cross_entropy_forward(logits.view(), targets.view()).unwrap();
    let g = cross_entropy_backward(probs.view(), targets.view()).unwrap();
    let n = numeric(&logits, &|l| {
        cross_entropy_forward(l.view(), targets.view()).unwrap().0 as f64
    });
    assert_grad("dlogits", &g, &n);
}

#[test]
fn dropout_backward_matches_finite_differences() {
    let x: ArrayD<f32> = rand_array((3, 4), 16).into_dyn();
    let r: ArrayD<f32> = rand_array((3, 4), 17).into_dyn();
    let key = stream_key(5, 1);
    let (_, mask) = dropout_forward(x.view(), 0.3, key).unwrap();
    let g = dropout_backward(r.view(), mask.view(), 0.3).unwrap();
    assert_grad(
        "dx",
        &g,
        &numeric(&x, &|x| {
            dot(&dropout_forward(x.view(), 0.3, key).unwrap().0, &r)
        }),
    );
}

#[test]
fn embedding_backward_matches_finite_differences() {
    let table = rand_array((5, 3), 18);
    let ids = Array2::from_shape_vec((2, 3), vec![1usize, 4, 1, 0, 2, 1]).unwrap();
    let r = rand_array((2, 3, 3), 19);
    let g = embedding_backward(ids.view(), r.view(), 5).unwrap();
    let n = numeric(&table, &|t| {
        dot(&embedding_forward(ids.view(), t.view()).unwrap(), &r)
    });
    assert_grad("dtable", &g, &n);
}

#[test]
fn feed_forward_backward_matches_finite_differences() {
    let c = 3;
    let x = rand_array((4, c), 20);
    let ff = FeedForward {
        layer0: Linear {
            weight: rand_array((4 * c, c), 21),
            bias: Some(rand_array(4 * c, 22)),
        },
        layer2: Linear {
            weight: rand_array((c, 4 * c), 23),
            bias: Some(rand_array(c, 24)),
        },
    };
    let r = rand_array((4, c), 25);
    let loss = |x: &Array2<f32>, ff: &FeedForward| {
        dot(&feed_forward_forward(x.view(), ff).unwrap().out, &r)
    };
    let acts = feed_forward_forward(x.view(), &ff).unwrap();
    let (dx, g) = feed_forward_backward(r.view(), x.view(), &ff, &acts).unwrap();
    assert_grad("dx", &dx, &numeric(&x, &|x| loss(x, &ff)));
    let w0 = numeric(&ff.layer0.weight, &|w| {
        let mut f = ff.clone();
        f.layer0.weight = w.clone();
        loss(&x, &f)
    });
    assert_grad("d layers.0.weight", &g.layer0.weight, &w0);
    let b2 = numeric(ff.layer2.bias.as_ref().unwrap(), &|b| {
        let mut f = ff.clone();
        f.layer2.bias = Some(b.clone());
        loss(&x, &f)
    });
    assert_grad("d layers.2.bias", g.layer2.bias.as_ref().unwrap(), &b2);
}

#[test]
fn single_head_attention_backward_matches_finite_differences() {
    for opts in [
        AttentionOptions {
            causal: true,
            scaled: true,
            dropout: None,
        },
        AttentionOptions {
            causal: false,
            scaled: false,
            dropout: None,
        },
        AttentionOptions {
            causal: true,
            scaled: true,
            dropout: Some((0.25, 3)),
        },
    ] {
        let x = rand_array((5, 3), 26);
        let (wq, wk, wv) = (
            rand_array((3, 2), 27),
            rand_array((3, 2), 28),
            rand_array((3, 2), 29),
        );
        let r = rand_array((5, 2), 30);
        let loss = |x: &Array2<f32>, wq: &Array2<f32>, wk: &Array2<f32>, wv: &Array2<f32>| {
            let a = single_head_attention_forward(x.view(), wq.view(), wk.view(), wv.view(), opts)
                .unwrap();
            dot(&a.context, &r)
        };
        let acts =
            single_head_attention_forward(x.view(), wq.view(), wk.view(), wv.view(), opts).unwrap();
        let g = single_head_attention_backward(
            r.view(),
            x.view(),
            wq.view(),
            wk.view(),
            wv.view(),
            &acts,
            opts,
        )
        .unwrap();
        assert_grad("dx", &g.dx, &numeric(&x, &|x| loss(x, &wq, &wk, &wv)));
        assert_grad(
            "dW_query",
            &g.dw_query,
            &numeric(&wq, &|w| loss(&x, w, &wk, &wv)),
        );
        assert_grad(
            "dW_key",
            &g.dw_key,
            &numeric(&wk, &|w| loss(&x, &wq, w, &wv)),
        );
        assert_grad(
            "dW_value",
            &g.dw_value,
            &numeric(&wv, &|w| loss(&x, &wq, &wk, w)),
        );
    }
}

fn random_attention(c: usize, bias: bool, stream: u64) -> MultiHeadAttention {
    let lin = |out: usize, inp: usize, bias: bool, s: u64| Linear {
        weight: rand_array((out, inp), s),
        bias: bias.then(|| rand_array(out, s + 1)),
    };
    MultiHeadAttention {
        w_query: lin(c, c, bias, stream),
        w_key: lin(c, c, bias, stream + 2),
        w_value: lin(c, c, bias, stream + 4),
        out_proj: lin(c, c, true, stream + 6),
    }
}

#[test]
fn multi_head_attention_backward_matches_finite_differences() {
    let (b, t, c, h) = (2, 4, 6, 3);
    for drop in [
        None,
        Some(LayerDropout {
            p: 0.2,
            key: stream_key(4, 4),
        }),
    ] {
        let x = rand_array((b, t, c), 40);
        let att = random_attention(c, true, 41);
        let r = rand_array((b, t, c), 50);
        let loss = |x: &Array3<f32>, att: &MultiHeadAttention| {
            dot(
                &multi_head_attention_forward(x.view(), att, h, drop, Keep::ForBackward)
                    .unwrap()
                    .out,
                &r,
            )
        };
        let acts = multi_head_attention_forward(x.view(), &att, h, drop, Keep::All).unwrap();
        let (dx, g) =
            multi_head_attention_backward(r.view(), x.view(), &att, &acts, drop.map(|d| d.p))
                .unwrap();
        assert_grad("dx", &dx, &numeric(&x, &|x| loss(x, &att)));
        let with = |f: &dyn Fn(&mut MultiHeadAttention, &Array2<f32>), w: &Array2<f32>| {
            let mut a = att.clone();
            f(&mut a, w);
            loss(&x, &a)
        };
        let nq = numeric(&att.w_query.weight, &|w| {
            with(&|a, w| a.w_query.weight = w.clone(), w)
        });
        assert_grad("dW_query", &g.w_query.weight, &nq);
        let nk = numeric(&att.w_key.weight, &|w| {
            with(&|a, w| a.w_key.weight = w.clone(), w)
        });
        assert_grad("dW_key", &g.w_key.weight, &nk);
        let nv = numeric(&att.w_value.weight, &|w| {
            with(&|a, w| a.w_value.weight = w.clone(), w)
        });
        assert_grad("dW_value", &g.w_value.weight, &nv);
        let no = numeric(&att.out_proj.weight, &|w| {
            with(&|a, w| a.out_proj.weight = w.clone(), w)
        });
        assert_grad("d out_proj.weight", &g.out_proj.weight, &no);
        let nbq = numeric(att.w_query.bias.as_ref().unwrap(), &|b| {
            let mut a = att.clone();
            a.w_query.bias = Some(b.clone());
            loss(&x, &a)
        });
        assert_grad("dW_query.bias", g.w_query.bias.as_ref().unwrap(), &nbq);
    }
}

#[test]
fn block_backward_matches_finite_differences() {
    let (b, t, c, h) = (2, 3, 4, 2);
    let block = Block {
        att: random_attention(c, false, 60),
        ff: FeedForward {
            layer0: Linear {
                weight: rand_array((4 * c, c), 70),
                bias: Some(rand_array(4 * c, 71)),
            },
            layer2: Linear {
                weight: rand_array((c, 4 * c), 72),
                bias: Some(rand_array(c, 73)),
            },
        },
        norm1: llm_lab::engine::layer_norm::LayerNorm {
            scale: rand_array(c, 74) + 1.0,
            shift: rand_array(c, 75),
        },
        norm2: llm_lab::engine::layer_norm::LayerNorm {
            scale: rand_array(c, 76) + 1.0,
            shift: rand_array(c, 77),
        },
    };
    for drop in [
        None,
        Some(BlockDropout {
            p: 0.2,
            att_key: stream_key(1, 1),
            shortcut1_key: stream_key(1, 2),
            shortcut2_key: stream_key(1, 3),
        }),
    ] {
        let x = rand_array((b, t, c), 80);
        let r = rand_array((b, t, c), 81);
        let loss = |x: &Array3<f32>, blk: &Block| {
            dot(
                &block_forward(x.view(), blk, h, drop, Keep::ForBackward)
                    .unwrap()
                    .out,
                &r,
            )
        };
        let acts = block_forward(x.view(), &block, h, drop, Keep::ForBackward).unwrap();
        let (dx, g) = block_backward(r.view(), x.view(), &block, &acts, drop.map(|d| d.p)).unwrap();
        assert_grad("dx", &dx, &numeric(&x, &|x| loss(x, &block)));
        let n1 = numeric(&block.norm1.scale, &|s| {
            let mut blk = block.clone();
            blk.norm1.scale = s.clone();
            loss(&x, &blk)
        });
        assert_grad("d norm1.scale", &g.norm1.scale, &n1);
        let n2 = numeric(&block.norm2.shift, &|s| {
            let mut blk = block.clone();
            blk.norm2.shift = s.clone();
            loss(&x, &blk)
        });
        assert_grad("d norm2.shift", &g.norm2.shift, &n2);
    }
}

fn tiny_config(qkv_bias: bool) -> GptConfig {
    GptConfig {
        vocab_size: 7,
        context_length: 5,
        emb_dim: 4,
        n_heads: 2,
        n_layers: 2,
        drop_rate: 0.2,
        qkv_bias,
    }
}

#[test]
fn gpt_gradients_match_finite_differences_for_every_parameter() {
    let inputs = Array2::from_shape_vec((2, 4), vec![1usize, 5, 2, 0, 6, 6, 3, 1]).unwrap();
    let targets = Array2::from_shape_vec((2, 4), vec![5usize, 2, 0, 4, 6, 3, 1, 2]).unwrap();
    for (qkv_bias, mode) in [(false, Mode::Eval), (true, Mode::Train { seed: 17 })] {
        let mut model = Gpt::new(tiny_config(qkv_bias), 3).unwrap();
        model.set_threads(1).unwrap();
        let (_, grads, _) = model
            .loss_and_grads(inputs.view(), targets.view(), mode)
            .unwrap();
        for ((name, value), (gname, grad)) in
            model.named_parameters().into_iter().zip(grads.named())
        {
            assert_eq!(name, gname);
            let f = |v: &ArrayD<f32>| {
                let mut m = model.clone();
                m.set_parameter(&name, v.view()).unwrap();
                m.loss_and_grads(inputs.view(), targets.view(), mode)
                    .unwrap()
                    .0 as f64
            };
            let value: ArrayD<f32> = value.into_shape_with_order(IxDyn(grad.shape())).unwrap();
            let n = numeric(&value, &f);
            if name.starts_with("pos_emb") {
                // rows past T = 4 are unused and must get exactly zero
                assert!(grad.slice(ndarray::s![4.., ..]).iter().all(|&g| g == 0.0));
            }
            assert_grad(&format!("{name} ({mode:?})"), &grad, &n);
        }
    }
}

#[test]
fn long_causal_head_backward_matches_finite_differences() {
    // T = 70 spans three causal row blocks, so the blocked products are checked too
    let opts = AttentionOptions {
        causal: true,
        scaled: true,
        dropout: Some((0.1, 8)),
    };
    let x = rand_array((70, 3), 90);
    let (wq, wk, wv) = (
        rand_array((3, 2), 91),
        rand_array((3, 2), 92),
        rand_array((3, 2), 93),
    );
    let r = rand_array((70, 2), 94);
    let loss = |x: &Array2<f32>| {
        let a =
            single_head_attention_forward(x.view(), wq.view(), wk.view(), wv.view(), opts).unwrap();
        dot(&a.context, &r)
    };
    let acts =
        single_head_attention_forward(x.view(), wq.view(), wk.view(), wv.view(), opts).unwrap();
    let g = single_head_attention_backward(
        r.view(),
        x.view(),
        wq.view(),
        wk.view(),
        wv.view(),
        &acts,
        opts,
    )
    .unwrap();
    assert_grad("dx", &g.dx, &numeric(&x, &loss));
}

#[test]
fn skipping_the_masked_triangle_changes_nothing() {
    let (b, t, c, h) = (2, 70, 8, 2);
    let x = rand_array((b, t, c), 95);
    let att = random_attention(c, false, 96);
    let full = multi_head_attention_forward(x.view(), &att, h, None, Keep::All).unwrap();
    let lean = multi_head_attention_forward(x.view(), &att, h, None, Keep::ForBackward).unwrap();
    let inference =
        multi_head_attention_forward(x.view(), &att, h, None, Keep::ContextOnly).unwrap();
    assert!(inference.weights.is_none());
    assert_eq!(inference.out, lean.out);
    for (a, b) in full.out.iter().zip(lean.out.iter()) {
        assert!((a - b).abs() < 1e-5);
    }
    for (a, b) in full
        .weights
        .unwrap()
        .iter()
        .zip(lean.weights.unwrap().iter())
    {
        assert!((a - b).abs() < 1e-6);
    }
}
