//! Layer normalisation over the last axis, the book's way: population variance, eps = 1e-5,
//! learned `scale` (init 1) and `shift` (init 0).

use super::error::{EngineError, check_shape};
use super::fastmath;
use super::par::zip_for_each;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Zip};

/// The book's epsilon inside the square root.
pub const LAYER_NORM_EPS: f32 = 1e-5;

/// Layer-norm parameters (or their gradients).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNorm {
    /// (C)
    pub scale: Array1<f32>,
    /// (C)
    pub shift: Array1<f32>,
}

impl LayerNorm {
    /// scale = 1, shift = 0: the initial layer norm.
    pub fn new(dim: usize) -> LayerNorm {
        LayerNorm {
            scale: Array1::ones(dim),
            shift: Array1::zeros(dim),
        }
    }
    /// All zeros: the starting point of a gradient.
    pub fn zeros(dim: usize) -> LayerNorm {
        LayerNorm {
            scale: Array1::zeros(dim),
            shift: Array1::zeros(dim),
        }
    }
}

/// What layer norm keeps from its forward pass.
#[derive(Clone, Debug)]
pub struct LayerNormActs {
    /// (N, C) the normalised, scaled and shifted rows
    pub out: Array2<f32>,
    /// (N) the mean of each row
    pub mean: Array1<f32>,
    /// (N) 1 / sqrt(var + eps) of each row
    pub rstd: Array1<f32>,
}

/// x: (N, C), scale: (C), shift: (C) -> out (N, C), mean (N), rstd (N)
pub fn layer_norm_forward(
    x: ArrayView2<f32>,
    scale: ArrayView1<f32>,
    shift: ArrayView1<f32>,
) -> Result<LayerNormActs, EngineError> {
    let c = x.ncols();
    check_shape("layer norm scale", &[c], scale.shape())?;
    check_shape("layer norm shift", &[c], shift.shape())?;
    if c == 0 {
        return Err(EngineError::Invalid(
            "layer norm needs at least one feature".into(),
        ));
    }
    let n = x.nrows();
    let mut out = Array2::<f32>::uninit((n, c));
    let mut mean = Array1::zeros(n);
    let mut rstd = Array1::zeros(n);
    zip_for_each!(
        Zip::from(out.rows_mut())
            .and(&mut mean)
            .and(&mut rstd)
            .and(x.rows()),
        n * c,
        |mut out: ArrayViewMut1<std::mem::MaybeUninit<f32>>,
         mean: &mut f32,
         rstd: &mut f32,
         x: ArrayView1<f32>| {
            let m = x.sum() / c as f32;
            let var = match x.as_slice() {
                Some(row) => fastmath::sq_dev_sum(row, m),
                None => x.fold(0.0, |acc, &v| acc + (v - m) * (v - m)),
            } / c as f32;
            let r = 1.0 / (var + LAYER_NORM_EPS).sqrt();
            Zip::from(&mut out)
                .and(x)
                .and(scale)
                .and(shift)
                .for_each(|o, &v, &g, &b| {
                    o.write((v - m) * r * g + b);
                });
            *mean = m;
            *rstd = r;
        }
    );
    // SAFETY: every row of `out` was written in full above.
    let out = unsafe { out.assume_init() };
    let acts = LayerNormActs { out, mean, rstd };
    Ok(acts)
}

/// Gradients of layer norm.
pub struct LayerNormGrads {
    /// (N, C)
    pub dx: Array2<f32>,
    /// (C) each
    pub params: LayerNorm,
}

/// dout: (N, C), x: (N, C), scale: (C), mean/rstd: (N) -> dx (N, C), dscale (C), dshift (C)
pub fn layer_norm_backward(
    dout: ArrayView2<f32>,
    x: ArrayView2<f32>,
    scale: ArrayView1<f32>,
    mean: ArrayView1<f32>,
    rstd: ArrayView1<f32>,
) -> Result<LayerNormGrads, EngineError> {
    let (n, c) = x.dim();
    check_shape("layer norm output gradient", &[n, c], dout.shape())?;
    check_shape("layer norm scale", &[c], scale.shape())?;
    check_shape("layer norm mean", &[n], mean.shape())?;
    check_shape("layer norm rstd", &[n], rstd.shape())?;
    let (dout, x) = (dout.as_standard_layout(), x.as_standard_layout());
    let scale = scale.to_vec();
    let mut dx = Array2::zeros((n, c));
    zip_for_each!(
        Zip::from(dx.rows_mut())
            .and(dout.rows())
            .and(x.rows())
            .and(mean)
            .and(rstd),
        n * c,
        |mut dx: ArrayViewMut1<f32>,
         dy: ArrayView1<f32>,
         x: ArrayView1<f32>,
         &m: &f32,
         &r: &f32| {
            fastmath::layer_norm_row_backward(
                dy.as_slice().expect("standard layout"),
                x.as_slice().expect("standard layout"),
                &scale,
                m,
                r,
                dx.as_slice_mut().expect("fresh array"),
            );
        }
    );
    // parameter gradients add rows in order, so the bits never vary
    let mut params = LayerNorm::zeros(c);
    let (dscale, dshift) = (
        params.scale.as_slice_mut().expect("fresh array"),
        params.shift.as_slice_mut().expect("fresh array"),
    );
    for ((dy, x), (&m, &r)) in dout
        .rows()
        .into_iter()
        .zip(x.rows())
        .zip(mean.iter().zip(rstd.iter()))
    {
        fastmath::layer_norm_row_param_grads(
            dy.as_slice().expect("standard layout"),
            x.as_slice().expect("standard layout"),
            m,
            r,
            dscale,
            dshift,
        );
    }
    Ok(LayerNormGrads { dx, params })
}
