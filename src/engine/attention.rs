//! Causal self-attention: one head on plain matrices (the book's chapter 3 tables), and the
//! multi-head layer of the GPT, which projects once, splits into heads, and merges them again.
//!
//! Both share one head kernel: scores = q·kᵀ, mask above the diagonal, softmax of scores·scale,
//! dropout on the weights, context = weights·v.

use super::dropout::fill_keep_mask;
use super::error::{EngineError, check_drop_rate, check_shape};
use super::fastmath;
use super::gemm::{gemm, gemm_new, gemm_serial};
use super::linear::{Linear, linear_backward_into, linear_new, sum_rows_into};
use super::softmax::softmax_row_in_place;
use ndarray::{
    Array2, Array3, Array4, ArrayView2, ArrayView3, ArrayViewMut2, Axis, concatenate, s,
};
use rayon::prelude::*;

/// Dropout on one head's attention weights: probability, stream key, and the flat position of the
/// head's first weight in the whole (B, H, T, T) tensor (so masks do not depend on how work is split).
#[derive(Clone, Copy, Debug)]
pub struct HeadDropout {
    pub p: f32,
    pub key: u64,
    pub offset: usize,
}

/// The buffers one head writes; each (T, T) slice is row-major, context is (T, d_head).
pub struct HeadOut<'a> {
    pub scores: Option<&'a mut [f32]>,
    pub masked_scores: Option<&'a mut [f32]>,
    pub weights: &'a mut [f32],
    /// With dropout: the keep mask and the dropped (scaled) weights.
    pub dropout: Option<(&'a mut [f32], &'a mut [f32])>,
    pub context: ArrayViewMut2<'a, f32>,
}

/// Rows per block of the causal products: block r only needs the first r_end keys.
const CAUSAL_BLOCK: usize = 32;

/// The row blocks [r0, r1) of a head, and how many keys each sees: all of them unless causal.
fn row_blocks(t: usize, causal: bool) -> impl Iterator<Item = (usize, usize, usize)> {
    let block = if causal { CAUSAL_BLOCK } else { t.max(1) };
    (0..t).step_by(block).map(move |r0| {
        let r1 = (r0 + block).min(t);
        (r0, r1, if causal { r1 } else { t })
    })
}

/// a, b: (T, d) -> out (T, T) = a · bᵀ, only where a query sees a key when causal (the rest of
/// `out` is left as it was).
fn scores_product(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    causal: bool,
    mut out: ArrayViewMut2<f32>,
) {
    for (r0, r1, keys) in row_blocks(a.nrows(), causal) {
        gemm_serial(
            1.0,
            a.slice(s![r0..r1, ..]),
            b.slice(s![..keys, ..]).t(),
            0.0,
            out.slice_mut(s![r0..r1, ..keys]),
        );
    }
}

/// w: (T, T), b: (T, d) -> out (T, d) = w · b, skipping keys a query cannot see when causal.
fn weighted_rows(
    w: ArrayView2<f32>,
    b: ArrayView2<f32>,
    causal: bool,
    mut out: ArrayViewMut2<f32>,
) {
    for (r0, r1, keys) in row_blocks(w.nrows(), causal) {
        gemm_serial(
            1.0,
            w.slice(s![r0..r1, ..keys]),
            b.slice(s![..keys, ..]),
            0.0,
            out.slice_mut(s![r0..r1, ..]),
        );
    }
}

/// w: (T, T), b: (T, d) -> out (T, d) = wᵀ · b; when causal, key block [c0, c1) is seen only by
/// queries from c0 on.
fn weighted_cols(
    w: ArrayView2<f32>,
    b: ArrayView2<f32>,
    causal: bool,
    mut out: ArrayViewMut2<f32>,
) {
    for (c0, c1, _) in row_blocks(w.nrows(), causal) {
        let first_query = if causal { c0 } else { 0 };
        gemm_serial(
            1.0,
            w.slice(s![first_query.., c0..c1]).t(),
            b.slice(s![first_query.., ..]),
            0.0,
            out.slice_mut(s![c0..c1, ..]),
        );
    }
}

/// q, k, v: (T, d_head) -> scores, masked scores, weights, dropout mask, dropped weights (T, T) and
/// context (T, d_head), into `out`. `scale` multiplies scores inside the softmax (1/√d_head).
/// When causal and the raw scores are not asked for, products skip the masked upper triangle.
pub fn head_forward(
    q: ArrayView2<f32>,
    k: ArrayView2<f32>,
    v: ArrayView2<f32>,
    causal: bool,
    scale: f32,
    dropout: Option<HeadDropout>,
    out: HeadOut,
) {
    let t = q.nrows();
    let weights = out.weights;
    {
        let w = ArrayViewMut2::from_shape((t, t), &mut *weights).expect("(T, T) buffer");
        let skip_upper = causal && out.scores.is_none() && out.masked_scores.is_none();
        scores_product(q, k, skip_upper, w);
    }
    if let Some(scores) = out.scores {
        scores.copy_from_slice(weights);
    }
    if let Some(masked) = out.masked_scores {
        masked.copy_from_slice(weights);
        if causal {
            for (i, row) in masked.chunks_mut(t).enumerate() {
                row[i + 1..].fill(f32::NEG_INFINITY);
            }
        }
    }
    for (i, row) in weights.chunks_mut(t).enumerate() {
        softmax_row_in_place(row, if causal { i + 1 } else { t }, scale);
    }
    let attended: &[f32] = match (dropout, out.dropout) {
        (Some(d), Some((mask, dropped))) => {
            fill_keep_mask(mask, d.p, d.key, d.offset);
            fastmath::masked_scale(weights, mask, dropped, 1.0 / (1.0 - d.p));
            dropped
        }
        _ => weights,
    };
    let attended = ArrayView2::from_shape((t, t), attended).expect("(T, T) buffer");
    weighted_rows(attended, v, causal, out.context);
}

/// dcontext: (T, d_head) and the forward's q, k, v (T, d_head), weights (T, T), and with dropout the
/// keep mask, dropped weights and p -> dq, dk, dv (T, d_head). `scratch` holds T·T floats.
#[allow(clippy::too_many_arguments)]
pub fn head_backward(
    dcontext: ArrayView2<f32>,
    q: ArrayView2<f32>,
    k: ArrayView2<f32>,
    v: ArrayView2<f32>,
    weights: &[f32],
    dropout: Option<(&[f32], &[f32], f32)>,
    causal: bool,
    scale: f32,
    scratch: &mut [f32],
    dq: ArrayViewMut2<f32>,
    dk: ArrayViewMut2<f32>,
    dv: ArrayViewMut2<f32>,
) {
    let t = q.nrows();
    let attended = match dropout {
        Some((_, dropped, _)) => dropped,
        None => weights,
    };
    let attended = ArrayView2::from_shape((t, t), attended).expect("(T, T) buffer");
    // d attended = dcontext · vᵀ (only where a query sees a key)
    {
        let d = ArrayViewMut2::from_shape((t, t), &mut *scratch).expect("(T, T) buffer");
        scores_product(dcontext, v, causal, d);
    }
    // dv = attendedᵀ · dcontext
    weighted_cols(attended, dcontext, causal, dv);
    // through dropout, then softmax(scale · scores); masked places get gradient 0
    for (i, (d, y)) in scratch.chunks_mut(t).zip(weights.chunks(t)).enumerate() {
        let live = if causal { i + 1 } else { t };
        let (d_live, d_masked) = d.split_at_mut(live);
        d_masked.fill(0.0);
        if let Some((mask, _, p)) = dropout {
            let m = &mask[i * t..i * t + live];
            for (d, &m) in d_live.iter_mut().zip(m) {
                *d *= m * (1.0 / (1.0 - p));
            }
        }
        let c = fastmath::dot(&y[..live], d_live);
        fastmath::softmax_backward_tail(&y[..live], d_live, c, scale);
    }
    let dscores = ArrayView2::from_shape((t, t), &*scratch).expect("(T, T) buffer");
    // dq = dscores · k and dk = dscoresᵀ · q
    weighted_rows(dscores, k, causal, dq);
    weighted_cols(dscores, q, causal, dk);
}

/// How a single attention head runs in a lesson.
#[derive(Clone, Copy, Debug)]
pub struct AttentionOptions {
    /// Mask scores above the diagonal.
    pub causal: bool,
    /// Divide scores by √d_out inside the softmax.
    pub scaled: bool,
    /// Training-mode dropout on the weights: (p, seed). None = evaluation, no dropout.
    pub dropout: Option<(f32, u64)>,
}

/// Everything one head computes, each a plain matrix.
#[derive(Clone, Debug)]
pub struct SingleHeadActs {
    /// (T, d_out) each
    pub queries: Array2<f32>,
    pub keys: Array2<f32>,
    pub values: Array2<f32>,
    /// (T, T) each: q·kᵀ, with -∞ above the diagonal when causal, after softmax
    pub scores: Array2<f32>,
    pub masked_scores: Array2<f32>,
    pub weights: Array2<f32>,
    /// (T, T) keep mask (1 kept, 0 dropped) and weights after dropout, in training only
    pub dropout_mask: Option<Array2<f32>>,
    pub dropped_weights: Option<Array2<f32>>,
    /// (T, d_out)
    pub context: Array2<f32>,
}

fn check_single_head(
    x: ArrayView2<f32>,
    w_query: ArrayView2<f32>,
    w_key: ArrayView2<f32>,
    w_value: ArrayView2<f32>,
    opts: &AttentionOptions,
) -> Result<(), EngineError> {
    let (d_in, d_out) = w_query.dim();
    check_shape("input x (T, d_in)", &[x.nrows(), d_in], x.shape())?;
    check_shape("W_key (d_in, d_out)", &[d_in, d_out], w_key.shape())?;
    check_shape("W_value (d_in, d_out)", &[d_in, d_out], w_value.shape())?;
    if x.nrows() == 0 || d_out == 0 {
        return Err(EngineError::Invalid(
            "attention needs at least one token and one output feature".into(),
        ));
    }
    if let Some((p, _)) = opts.dropout {
        check_drop_rate(p)?;
    }
    Ok(())
}

fn head_scale(d_out: usize, scaled: bool) -> f32 {
    if scaled {
        1.0 / (d_out as f32).sqrt()
    } else {
        1.0
    }
}

/// x: (T, d_in), W_query/W_key/W_value: (d_in, d_out) used as `x @ W` -> context (T, d_out) and
/// every intermediate.
pub fn single_head_attention_forward(
    x: ArrayView2<f32>,
    w_query: ArrayView2<f32>,
    w_key: ArrayView2<f32>,
    w_value: ArrayView2<f32>,
    opts: AttentionOptions,
) -> Result<SingleHeadActs, EngineError> {
    check_single_head(x, w_query, w_key, w_value, &opts)?;
    let (t, d_out) = (x.nrows(), w_query.ncols());
    let project = |w: ArrayView2<f32>| {
        let mut y = Array2::zeros((t, d_out));
        gemm(1.0, x, w, 0.0, y.view_mut());
        y
    };
    let (queries, keys, values) = (project(w_query), project(w_key), project(w_value));
    let mut scores = Array2::zeros((t, t));
    let mut masked_scores = Array2::zeros((t, t));
    let mut weights = Array2::zeros((t, t));
    let mut context = Array2::zeros((t, d_out));
    let mut drop_bufs = opts
        .dropout
        .map(|_| (Array2::zeros((t, t)), Array2::zeros((t, t))));
    let dropout = opts.dropout.map(|(p, seed)| HeadDropout {
        p,
        key: super::rng::stream_key(seed, 0),
        offset: 0,
    });
    head_forward(
        queries.view(),
        keys.view(),
        values.view(),
        opts.causal,
        head_scale(d_out, opts.scaled),
        dropout,
        HeadOut {
            scores: scores.as_slice_mut(),
            masked_scores: masked_scores.as_slice_mut(),
            weights: weights.as_slice_mut().expect("fresh array"),
            dropout: drop_bufs.as_mut().map(|(m, d)| {
                (
                    m.as_slice_mut().expect("fresh"),
                    d.as_slice_mut().expect("fresh"),
                )
            }),
            context: context.view_mut(),
        },
    );
    let (dropout_mask, dropped_weights) = drop_bufs.unzip();
    Ok(SingleHeadActs {
        queries,
        keys,
        values,
        scores,
        masked_scores,
        weights,
        dropout_mask,
        dropped_weights,
        context,
    })
}

/// Gradients of a single head.
#[derive(Clone, Debug)]
pub struct SingleHeadGrads {
    /// (T, d_in)
    pub dx: Array2<f32>,
    /// (d_in, d_out) each
    pub dw_query: Array2<f32>,
    pub dw_key: Array2<f32>,
    pub dw_value: Array2<f32>,
}

/// dcontext: (T, d_out), the forward's inputs and activations -> dx (T, d_in) and dW (d_in, d_out)
pub fn single_head_attention_backward(
    dcontext: ArrayView2<f32>,
    x: ArrayView2<f32>,
    w_query: ArrayView2<f32>,
    w_key: ArrayView2<f32>,
    w_value: ArrayView2<f32>,
    acts: &SingleHeadActs,
    opts: AttentionOptions,
) -> Result<SingleHeadGrads, EngineError> {
    check_single_head(x, w_query, w_key, w_value, &opts)?;
    let (t, d_out) = (x.nrows(), w_query.ncols());
    check_shape("context gradient", &[t, d_out], dcontext.shape())?;
    check_shape("queries", &[t, d_out], acts.queries.shape())?;
    let mut dq = Array2::zeros((t, d_out));
    let mut dk = Array2::zeros((t, d_out));
    let mut dv = Array2::zeros((t, d_out));
    let mut scratch = vec![0.0; t * t];
    let dropout = match (opts.dropout, &acts.dropout_mask, &acts.dropped_weights) {
        (Some((p, _)), Some(m), Some(d)) => Some((
            m.as_slice().expect("owned"),
            d.as_slice().expect("owned"),
            p,
        )),
        (None, _, _) => None,
        _ => {
            return Err(EngineError::Invalid(
                "dropout was on in backward but its mask is missing".into(),
            ));
        }
    };
    head_backward(
        dcontext,
        acts.queries.view(),
        acts.keys.view(),
        acts.values.view(),
        acts.weights.as_slice().expect("owned"),
        dropout,
        opts.causal,
        head_scale(d_out, opts.scaled),
        &mut scratch,
        dq.view_mut(),
        dk.view_mut(),
        dv.view_mut(),
    );
    let mut dx = Array2::zeros(x.dim());
    gemm(1.0, dq.view(), w_query.t(), 0.0, dx.view_mut());
    gemm(1.0, dk.view(), w_key.t(), 1.0, dx.view_mut());
    gemm(1.0, dv.view(), w_value.t(), 1.0, dx.view_mut());
    let weight_grad = |d: &Array2<f32>| {
        let mut g = Array2::zeros((x.ncols(), d_out));
        gemm(1.0, x.t(), d.view(), 0.0, g.view_mut());
        g
    };
    Ok(SingleHeadGrads {
        dw_query: weight_grad(&dq),
        dw_key: weight_grad(&dk),
        dw_value: weight_grad(&dv),
        dx,
    })
}

/// The multi-head attention layer's parameters (or their gradients), PyTorch layout.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiHeadAttention {
    /// (C, C) weights, optional (C) biases
    pub w_query: Linear,
    pub w_key: Linear,
    pub w_value: Linear,
    /// (C, C) weight and (C) bias
    pub out_proj: Linear,
}

impl MultiHeadAttention {
    /// All zeros: the starting point of a gradient.
    pub fn zeros(dim: usize, qkv_bias: bool) -> MultiHeadAttention {
        MultiHeadAttention {
            w_query: Linear::zeros(dim, dim, qkv_bias),
            w_key: Linear::zeros(dim, dim, qkv_bias),
            w_value: Linear::zeros(dim, dim, qkv_bias),
            out_proj: Linear::zeros(dim, dim, true),
        }
    }
}

/// What multi-head attention keeps from its forward pass.
#[derive(Clone, Debug)]
pub struct MultiHeadActs {
    pub n_heads: usize,
    /// (B, T, C) each; head h owns columns h·d_head..(h+1)·d_head
    /// (B, T, 3C): queries, keys and values side by side, from one fused projection
    pub qkv: Array3<f32>,
    /// (B, H, T, T): raw q·kᵀ and with -∞ above the diagonal (kept only when asked)
    pub scores: Option<Array4<f32>>,
    pub masked_scores: Option<Array4<f32>>,
    /// (B, H, T, T) softmax weights (not kept for pure inference)
    pub weights: Option<Array4<f32>>,
    /// (B, H, T, T) keep mask and weights after dropout, in training only
    pub dropout_mask: Option<Array4<f32>>,
    pub dropped_weights: Option<Array4<f32>>,
    /// (B, T, C) heads merged, before the output projection
    pub context: Array3<f32>,
    /// (B, T, C) after the output projection
    pub out: Array3<f32>,
}

/// Dropout of a layer in training: probability and stream key.
#[derive(Clone, Copy, Debug)]
pub struct LayerDropout {
    pub p: f32,
    pub key: u64,
}

fn split_opt(buf: Option<&mut Array4<f32>>, chunk: usize) -> Vec<Option<&mut [f32]>> {
    match buf {
        Some(a) => a
            .as_slice_mut()
            .expect("fresh array")
            .chunks_mut(chunk)
            .map(Some)
            .collect(),
        None => Vec::new(),
    }
}

/// Which (B, H, T, T) tensors multi-head attention keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Raw scores, masked scores and weights: everything a lesson may show.
    All,
    /// The weights, which backward needs.
    ForBackward,
    /// None (inference); dropout masks are still kept when dropout is on.
    ContextOnly,
}

/// The three projection weights stacked as one (3C, C) matrix, so that a single product
/// computes queries, keys and values together.
fn stacked_qkv_weight(att: &MultiHeadAttention) -> Result<Array2<f32>, EngineError> {
    concatenate(
        Axis(0),
        &[
            att.w_query.weight.view(),
            att.w_key.weight.view(),
            att.w_value.weight.view(),
        ],
    )
    .map_err(|e| EngineError::Invalid(e.to_string()))
}

/// x: (B, T, C), n_heads dividing C -> out (B, T, C) and the intermediates `keep` asks for.
pub fn multi_head_attention_forward(
    x: ArrayView3<f32>,
    att: &MultiHeadAttention,
    n_heads: usize,
    dropout: Option<LayerDropout>,
    keep: Keep,
) -> Result<MultiHeadActs, EngineError> {
    let (b, t, c) = x.dim();
    check_shape("W_query", &[c, c], att.w_query.weight.shape())?;
    if n_heads == 0 || c % n_heads != 0 {
        return Err(EngineError::Config(format!(
            "n_heads ({n_heads}) must divide emb_dim ({c})"
        )));
    }
    if let Some(d) = dropout {
        check_drop_rate(d.p)?;
    }
    let hd = c / n_heads;
    let n = b * t;
    let x2 = x
        .to_shape((n, c))
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    // one product for all three projections: x · [W_query; W_key; W_value]ᵀ
    let w_qkv = stacked_qkv_weight(att)?;
    let b_qkv = match (&att.w_query.bias, &att.w_key.bias, &att.w_value.bias) {
        (Some(q), Some(k), Some(v)) => Some(
            concatenate(Axis(0), &[q.view(), k.view(), v.view()])
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
        ),
        _ => None,
    };
    let qkv = linear_new(x2.view(), w_qkv.view(), b_qkv.as_ref().map(|b| b.view()))
        .into_shape_with_order((b, t, 3 * c))
        .expect("B·T rows");
    let tt = t * t;
    let shape4 = (b, n_heads, t, t);
    let mut scores = (keep == Keep::All).then(|| Array4::zeros(shape4));
    let mut masked_scores = (keep == Keep::All).then(|| Array4::zeros(shape4));
    // without backward or inspection, weights live only in a per-task (T, T) scratch
    let mut weights =
        (keep != Keep::ContextOnly || dropout.is_some()).then(|| Array4::zeros(shape4));
    let mut dropout_mask = dropout.map(|_| Array4::zeros(shape4));
    let mut dropped_weights = dropout.map(|_| Array4::zeros(shape4));
    let mut context = Array3::zeros((b, t, c));
    let scale = 1.0 / (hd as f32).sqrt();
    {
        let per_b = n_heads * tt;
        let mut s = split_opt(scores.as_mut(), per_b).into_iter();
        let mut ms = split_opt(masked_scores.as_mut(), per_b).into_iter();
        let mut dm = split_opt(dropout_mask.as_mut(), per_b).into_iter();
        let mut dw = split_opt(dropped_weights.as_mut(), per_b).into_iter();
        let mut w = split_opt(weights.as_mut(), per_b).into_iter();
        let tasks: Vec<_> = context
            .outer_iter_mut()
            .enumerate()
            .map(|(bi, ctx)| {
                let drop = dm.next().flatten().zip(dw.next().flatten());
                (
                    bi,
                    w.next().flatten(),
                    ctx,
                    s.next().flatten(),
                    ms.next().flatten(),
                    drop,
                )
            })
            .collect();
        tasks
            .into_par_iter()
            .for_each(|(bi, w, mut ctx, mut s, mut ms, mut drop)| {
                let mut scratch = Vec::new();
                let w = match w {
                    Some(w) => w,
                    None => {
                        scratch.resize(tt, 0.0f32);
                        &mut scratch[..]
                    }
                };
                let per_head = if w.len() == tt { 0 } else { tt };
                for h in 0..n_heads {
                    let w_h = &mut w[h * per_head..h * per_head + tt];
                    let cols = s![.., h * hd..(h + 1) * hd];
                    fn take<'a>(
                        o: &'a mut Option<&mut [f32]>,
                        r: std::ops::Range<usize>,
                    ) -> Option<&'a mut [f32]> {
                        o.as_mut().map(move |v| &mut v[r])
                    }
                    let head_drop = drop
                        .as_mut()
                        .map(|(m, d)| (&mut m[h * tt..(h + 1) * tt], &mut d[h * tt..(h + 1) * tt]));
                    head_forward(
                        qkv.slice(s![bi, .., h * hd..(h + 1) * hd]),
                        qkv.slice(s![bi, .., c + h * hd..c + (h + 1) * hd]),
                        qkv.slice(s![bi, .., 2 * c + h * hd..2 * c + (h + 1) * hd]),
                        true,
                        scale,
                        dropout.map(|d| HeadDropout {
                            p: d.p,
                            key: d.key,
                            offset: (bi * n_heads + h) * tt,
                        }),
                        HeadOut {
                            scores: take(&mut s, h * tt..(h + 1) * tt),
                            masked_scores: take(&mut ms, h * tt..(h + 1) * tt),
                            weights: w_h,
                            dropout: head_drop,
                            context: ctx.slice_mut(cols),
                        },
                    );
                }
            });
    }
    let out = linear_new(
        context
            .view()
            .into_shape_with_order((n, c))
            .expect("fresh array"),
        att.out_proj.weight.view(),
        att.out_proj.bias.as_ref().map(|b| b.view()),
    )
    .into_shape_with_order((b, t, c))
    .expect("B·T rows");
    Ok(MultiHeadActs {
        n_heads,
        qkv,
        scores,
        masked_scores,
        weights,
        dropout_mask,
        dropped_weights,
        context,
        out,
    })
}

/// dout: (B, T, C), the forward's input x (B, T, C), parameters and activations, and the dropout p
/// used (if any) -> dx (B, T, C) and the parameter gradients.
pub fn multi_head_attention_backward(
    dout: ArrayView3<f32>,
    x: ArrayView3<f32>,
    att: &MultiHeadAttention,
    acts: &MultiHeadActs,
    drop_rate: Option<f32>,
) -> Result<(Array3<f32>, MultiHeadAttention), EngineError> {
    let (b, t, c) = x.dim();
    check_shape("attention output gradient", &[b, t, c], dout.shape())?;
    check_shape("attention q, k, v", &[b, t, 3 * c], acts.qkv.shape())?;
    let n_heads = acts.n_heads;
    let hd = c / n_heads;
    let (n, tt) = (b * t, t * t);
    fn flat(a: &Array3<f32>) -> ArrayView2<'_, f32> {
        let (b, t, c) = a.dim();
        a.view()
            .into_shape_with_order((b * t, c))
            .expect("standard layout")
    }
    let dout2 = dout
        .to_shape((n, c))
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    let mut grads = MultiHeadAttention::zeros(c, att.w_query.bias.is_some());
    let mut dcontext = Array3::<f32>::zeros((b, t, c));
    linear_backward_into(
        dout2.view(),
        flat(&acts.context),
        att.out_proj.weight.view(),
        Some(
            dcontext
                .view_mut()
                .into_shape_with_order((n, c))
                .expect("fresh"),
        ),
        grads.out_proj.weight.view_mut(),
        grads.out_proj.bias.as_mut().map(|b| b.view_mut()),
    );
    let Some(weights) = &acts.weights else {
        return Err(EngineError::Invalid(
            "attention backward needs the weights; run the forward pass with Keep::ForBackward"
                .into(),
        ));
    };
    let dropout = match (drop_rate, &acts.dropout_mask, &acts.dropped_weights) {
        (Some(p), Some(m), Some(d)) => Some((m, d, p)),
        (None, _, _) => None,
        _ => {
            return Err(EngineError::Invalid(
                "dropout was on in backward but its mask is missing".into(),
            ));
        }
    };
    let mut dqkv = Array3::<f32>::zeros((b, t, 3 * c));
    let scale = 1.0 / (hd as f32).sqrt();
    dqkv.outer_iter_mut()
        .into_par_iter()
        .enumerate()
        .for_each(|(bi, mut d_b)| {
            let mut scratch = vec![0.0f32; tt];
            for h in 0..n_heads {
                let (q0, k0, v0) = (h * hd, c + h * hd, 2 * c + h * hd);
                let start = (bi * n_heads + h) * tt;
                fn part(a: &Array4<f32>, r: std::ops::Range<usize>) -> &[f32] {
                    &a.as_slice().expect("standard layout")[r]
                }
                let (dq, dk, dv) = d_b.multi_slice_mut((
                    s![.., q0..q0 + hd],
                    s![.., k0..k0 + hd],
                    s![.., v0..v0 + hd],
                ));
                head_backward(
                    dcontext.slice(s![bi, .., h * hd..(h + 1) * hd]),
                    acts.qkv.slice(s![bi, .., q0..q0 + hd]),
                    acts.qkv.slice(s![bi, .., k0..k0 + hd]),
                    acts.qkv.slice(s![bi, .., v0..v0 + hd]),
                    part(weights, start..start + tt),
                    dropout.map(|(m, d, p)| {
                        (part(m, start..start + tt), part(d, start..start + tt), p)
                    }),
                    true,
                    scale,
                    &mut scratch,
                    dq,
                    dk,
                    dv,
                );
            }
        });
    let x2 = x
        .to_shape((n, c))
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    let w_qkv = stacked_qkv_weight(att)?;
    let dqkv2 = flat(&dqkv);
    // dx = dqkv · [W_query; W_key; W_value] and d[W_query; W_key; W_value] = dqkvᵀ · x
    let dx = gemm_new(1.0, dqkv2, w_qkv.view())
        .into_shape_with_order((b, t, c))
        .expect("B·T rows");
    let dw_qkv = gemm_new(1.0, dqkv2.t(), x2.view());
    for (i, g) in [&mut grads.w_query, &mut grads.w_key, &mut grads.w_value]
        .into_iter()
        .enumerate()
    {
        let rows = s![i * c..(i + 1) * c, ..];
        g.weight.assign(&dw_qkv.slice(rows));
        if let Some(db) = g.bias.as_mut() {
            sum_rows_into(dqkv2.slice(s![.., i * c..(i + 1) * c]), db.view_mut());
        }
    }
    Ok((dx, grads))
}
