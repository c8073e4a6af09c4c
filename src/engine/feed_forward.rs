//! The feed-forward network of a block: Linear(C → 4C), GELU, Linear(4C → C).

use super::error::{EngineError, check_shape};
use super::fastmath::{gelu_backward_slice, gelu_slice_uninit};
use super::linear::{Linear, linear_backward_into, linear_new};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

/// x: (N, H) -> gelu(x) as a new array, rows in parallel blocks, without a zero fill first.
fn gelu_new(x: ArrayView2<f32>) -> Array2<f32> {
    let rows = 64;
    let mut y = Array2::<f32>::uninit(x.raw_dim());
    let parts: Vec<_> = x
        .axis_chunks_iter(Axis(0), rows)
        .zip(y.axis_chunks_iter_mut(Axis(0), rows))
        .collect();
    parts.into_par_iter().for_each(|(x, mut y)| {
        gelu_slice_uninit(
            x.as_slice().expect("standard layout"),
            y.as_slice_mut().expect("standard layout"),
        )
    });
    // SAFETY: every element was written by gelu_slice_uninit above (the blocks cover all rows).
    unsafe { y.assume_init() }
}

/// Applies `f(x_rows, y_rows)` to matching blocks of rows of x and y across the rayon pool.
fn par_rows(x: ArrayView2<f32>, mut y: ArrayViewMut2<f32>, f: fn(&[f32], &mut [f32])) {
    let rows = 64;
    let parts: Vec<_> = x
        .axis_chunks_iter(Axis(0), rows)
        .zip(y.axis_chunks_iter_mut(Axis(0), rows))
        .collect();
    parts.into_par_iter().for_each(|(x, mut y)| {
        f(
            x.as_slice().expect("standard layout"),
            y.as_slice_mut().expect("standard layout"),
        )
    });
}

/// Feed-forward parameters (or their gradients), named as the book's `ff.layers.0` and `ff.layers.2`.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedForward {
    /// (4C, C) weight, (4C) bias
    pub layer0: Linear,
    /// (C, 4C) weight, (C) bias
    pub layer2: Linear,
}

impl FeedForward {
    /// All zeros: the starting point of a gradient.
    pub fn zeros(dim: usize) -> FeedForward {
        FeedForward {
            layer0: Linear::zeros(dim, 4 * dim, true),
            layer2: Linear::zeros(4 * dim, dim, true),
        }
    }
}

/// What the feed-forward network keeps from its forward pass.
#[derive(Clone, Debug)]
pub struct FeedForwardActs {
    /// (N, 4C) before GELU
    pub hidden: Array2<f32>,
    /// (N, 4C) after GELU
    pub gelu: Array2<f32>,
    /// (N, C)
    pub out: Array2<f32>,
}

/// x: (N, C) -> hidden (N, 4C), gelu (N, 4C), out (N, C)
pub fn feed_forward_forward(
    x: ArrayView2<f32>,
    ff: &FeedForward,
) -> Result<FeedForwardActs, EngineError> {
    let c = x.ncols();
    let h = ff.layer0.weight.nrows();
    check_shape("ff.layers.0.weight", &[h, c], ff.layer0.weight.shape())?;
    check_shape("ff.layers.2.weight", &[c, h], ff.layer2.weight.shape())?;
    let hidden = linear_new(
        x,
        ff.layer0.weight.view(),
        ff.layer0.bias.as_ref().map(|b| b.view()),
    );
    let act = gelu_new(hidden.view());
    let out = linear_new(
        act.view(),
        ff.layer2.weight.view(),
        ff.layer2.bias.as_ref().map(|b| b.view()),
    );
    Ok(FeedForwardActs {
        hidden,
        gelu: act,
        out,
    })
}

/// dout: (N, C), x: (N, C) and the forward's activations -> dx (N, C) and parameter gradients
pub fn feed_forward_backward(
    dout: ArrayView2<f32>,
    x: ArrayView2<f32>,
    ff: &FeedForward,
    acts: &FeedForwardActs,
) -> Result<(Array2<f32>, FeedForward), EngineError> {
    let (n, c) = x.dim();
    check_shape("feed-forward output gradient", &[n, c], dout.shape())?;
    check_shape("feed-forward hidden", &[n, 4 * c], acts.hidden.shape())?;
    let mut grads = FeedForward::zeros(c);
    let mut dact = Array2::zeros((n, 4 * c));
    linear_backward_into(
        dout,
        acts.gelu.view(),
        ff.layer2.weight.view(),
        Some(dact.view_mut()),
        grads.layer2.weight.view_mut(),
        grads.layer2.bias.as_mut().map(|b| b.view_mut()),
    );
    par_rows(acts.hidden.view(), dact.view_mut(), gelu_backward_slice);
    let mut dx = Array2::zeros((n, c));
    linear_backward_into(
        dact.view(),
        x,
        ff.layer0.weight.view(),
        Some(dx.view_mut()),
        grads.layer0.weight.view_mut(),
        grads.layer0.bias.as_mut().map(|b| b.view_mut()),
    );
    Ok((dx, grads))
}
