//! The pre-LayerNorm transformer block:
//! `x = x + drop(att(norm1(x)))`, then `x = x + drop(ff(norm2(x)))`.

use super::attention::{
    Keep, LayerDropout, MultiHeadActs, MultiHeadAttention, multi_head_attention_backward,
    multi_head_attention_forward,
};
use super::dropout::keep_mask;
use super::error::{EngineError, check_shape};
use super::feed_forward::{
    FeedForward, FeedForwardActs, feed_forward_backward, feed_forward_forward,
};
use super::layer_norm::{LayerNorm, LayerNormActs, layer_norm_backward, layer_norm_forward};
use super::par::{zip_for_each, zip_map_collect};
use ndarray::{Array3, ArrayView3, Zip};

/// One block's parameters (or their gradients).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub att: MultiHeadAttention,
    pub ff: FeedForward,
    pub norm1: LayerNorm,
    pub norm2: LayerNorm,
}

impl Block {
    /// All zeros: the starting point of a gradient.
    pub fn zeros(dim: usize, qkv_bias: bool) -> Block {
        Block {
            att: MultiHeadAttention::zeros(dim, qkv_bias),
            ff: FeedForward::zeros(dim),
            norm1: LayerNorm::zeros(dim),
            norm2: LayerNorm::zeros(dim),
        }
    }
}

/// Dropout keys of one block in training: attention weights and the two residual branches.
#[derive(Clone, Copy, Debug)]
pub struct BlockDropout {
    pub p: f32,
    pub att_key: u64,
    pub shortcut1_key: u64,
    pub shortcut2_key: u64,
}

/// What a block keeps from its forward pass. (N, ·) arrays have N = B·T rows.
#[derive(Clone, Debug)]
pub struct BlockActs {
    pub norm1: LayerNormActs,
    pub att: MultiHeadActs,
    /// (B, T, C) keep mask on the attention branch, in training only
    pub shortcut1_mask: Option<Array3<f32>>,
    /// (B, T, C) x + drop(att(norm1(x)))
    pub shortcut1_out: Array3<f32>,
    pub norm2: LayerNormActs,
    pub ff: FeedForwardActs,
    /// (B, T, C) keep mask on the feed-forward branch, in training only
    pub shortcut2_mask: Option<Array3<f32>>,
    /// (B, T, C) the block's output
    pub out: Array3<f32>,
}

/// residual (B, T, C) + branch (B, T, C) · mask / (1 - p) as a new array, with a fresh mask from
/// `key` (returned) in training.
fn add_dropped(
    residual: ArrayView3<f32>,
    branch: ArrayView3<f32>,
    drop: Option<(f32, u64)>,
) -> (Array3<f32>, Option<Array3<f32>>) {
    match drop {
        None => {
            let sum = Zip::from(&residual)
                .and(&branch)
                .par_map_collect(|&r, &b| r + b);
            (sum, None)
        }
        Some((p, key)) => {
            let mask = Array3::from_shape_vec(branch.raw_dim(), keep_mask(branch.len(), p, key))
                .expect("mask has the branch's length");
            let keep_scale = 1.0 / (1.0 - p);
            let sum = zip_map_collect!(
                Zip::from(&residual).and(&branch).and(&mask),
                branch.len(),
                |&r, &b, &m| r + b * m * keep_scale
            );
            (sum, Some(mask))
        }
    }
}

/// x: (B, T, C) -> out (B, T, C) and every intermediate
pub fn block_forward(
    x: ArrayView3<f32>,
    block: &Block,
    n_heads: usize,
    dropout: Option<BlockDropout>,
    keep: Keep,
) -> Result<BlockActs, EngineError> {
    let (b, t, c) = x.dim();
    let n = b * t;
    let x2 = x
        .to_shape((n, c))
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    let norm1 = layer_norm_forward(
        x2.view(),
        block.norm1.scale.view(),
        block.norm1.shift.view(),
    )?;
    let n1 = norm1
        .out
        .view()
        .into_shape_with_order((b, t, c))
        .expect("standard layout");
    let att_drop = dropout.map(|d| LayerDropout {
        p: d.p,
        key: d.att_key,
    });
    let att = multi_head_attention_forward(n1, &block.att, n_heads, att_drop, keep)?;
    let (shortcut1_out, shortcut1_mask) =
        add_dropped(x, att.out.view(), dropout.map(|d| (d.p, d.shortcut1_key)));
    let r2 = shortcut1_out
        .view()
        .into_shape_with_order((n, c))
        .expect("standard layout");
    let norm2 = layer_norm_forward(r2, block.norm2.scale.view(), block.norm2.shift.view())?;
    let ff = feed_forward_forward(norm2.out.view(), &block.ff)?;
    let ff_out = ff
        .out
        .view()
        .into_shape_with_order((b, t, c))
        .expect("standard layout");
    let (out, shortcut2_mask) = add_dropped(
        shortcut1_out.view(),
        ff_out,
        dropout.map(|d| (d.p, d.shortcut2_key)),
    );
    Ok(BlockActs {
        norm1,
        att,
        shortcut1_mask,
        shortcut1_out,
        norm2,
        ff,
        shortcut2_mask,
        out,
    })
}

/// gradient through a dropped branch: d · mask / (1 - p), or d itself without dropout
fn through_dropout(d: &Array3<f32>, mask: Option<&Array3<f32>>, p: f32) -> Array3<f32> {
    match mask {
        None => d.clone(),
        Some(mask) => {
            let keep_scale = 1.0 / (1.0 - p);
            let mut out = d.clone();
            let n = out.len();
            zip_for_each!(Zip::from(&mut out).and(mask), n, |o: &mut f32, &m: &f32| {
                *o *= m * keep_scale
            });
            out
        }
    }
}

/// dout: (B, T, C), the block's input x (B, T, C), parameters, activations and dropout p ->
/// dx (B, T, C) and the block's parameter gradients
pub fn block_backward(
    dout: ArrayView3<f32>,
    x: ArrayView3<f32>,
    block: &Block,
    acts: &BlockActs,
    drop_rate: Option<f32>,
) -> Result<(Array3<f32>, Block), EngineError> {
    let (b, t, c) = x.dim();
    let n = b * t;
    check_shape("block output gradient", &[b, t, c], dout.shape())?;
    let p = drop_rate.unwrap_or(0.0);
    let mut d_resid = dout.to_owned();
    let dff_out = through_dropout(&d_resid, acts.shortcut2_mask.as_ref(), p);
    let dff2 = dff_out
        .view()
        .into_shape_with_order((n, c))
        .expect("standard layout");
    let (dn2, ff) = feed_forward_backward(dff2, acts.norm2.out.view(), &block.ff, &acts.ff)?;
    let r2 = acts
        .shortcut1_out
        .view()
        .into_shape_with_order((n, c))
        .expect("standard layout");
    let ln2 = layer_norm_backward(
        dn2.view(),
        r2,
        block.norm2.scale.view(),
        acts.norm2.mean.view(),
        acts.norm2.rstd.view(),
    )?;
    d_resid += &ln2
        .dx
        .view()
        .into_shape_with_order((b, t, c))
        .expect("standard layout");
    let datt = through_dropout(&d_resid, acts.shortcut1_mask.as_ref(), p);
    let n1 = acts
        .norm1
        .out
        .view()
        .into_shape_with_order((b, t, c))
        .expect("standard layout");
    let att_p = acts.att.dropout_mask.as_ref().map(|_| p);
    let (dn1, att) = multi_head_attention_backward(datt.view(), n1, &block.att, &acts.att, att_p)?;
    let x2 = x
        .to_shape((n, c))
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    let ln1 = layer_norm_backward(
        dn1.view()
            .into_shape_with_order((n, c))
            .expect("standard layout"),
        x2.view(),
        block.norm1.scale.view(),
        acts.norm1.mean.view(),
        acts.norm1.rstd.view(),
    )?;
    d_resid += &ln1
        .dx
        .view()
        .into_shape_with_order((b, t, c))
        .expect("standard layout");
    Ok((
        d_resid,
        Block {
            att,
            ff,
            norm1: ln1.params,
            norm2: ln2.params,
        },
    ))
}
