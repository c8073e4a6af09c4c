//! Linear layers: `y = x · Wᵀ + b` with W stored (out, in) as PyTorch stores it, and plain matmul.

use super::error::{EngineError, check_shape};
use super::gemm::{gemm, gemm_new};
use super::par::zip_for_each;
use ndarray::Zip;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};
use rayon::prelude::*;

/// A linear layer's parameters (or their gradients, which have the same shapes).
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// (out, in)
    pub weight: Array2<f32>,
    /// (out), when the layer has a bias
    pub bias: Option<Array1<f32>>,
}

impl Linear {
    /// A layer of zeros: the starting point of a gradient.
    pub fn zeros(d_in: usize, d_out: usize, bias: bool) -> Linear {
        Linear {
            weight: Array2::zeros((d_out, d_in)),
            bias: bias.then(|| Array1::zeros(d_out)),
        }
    }
}

/// a: (m, k), b: (k, n) -> (m, n). The plain product a lesson writes as `x @ W`.
pub fn matmul(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Result<Array2<f32>, EngineError> {
    if a.ncols() != b.nrows() {
        return Err(EngineError::Shape {
            what: format!(
                "matmul of {:?} by {:?}: inner sizes differ",
                a.shape(),
                b.shape()
            ),
            expected: vec![a.ncols(), b.ncols()],
            got: b.shape().to_vec(),
        });
    }
    Ok(gemm_new(1.0, a, b))
}

/// x: (N, in), weight: (out, in), bias: (out) -> (N, out)
pub fn linear_forward(
    x: ArrayView2<f32>,
    weight: ArrayView2<f32>,
    bias: Option<ArrayView1<f32>>,
) -> Result<Array2<f32>, EngineError> {
    let (d_out, d_in) = weight.dim();
    check_shape("linear input", &[x.nrows(), d_in], x.shape())?;
    if let Some(b) = &bias {
        check_shape("linear bias", &[d_out], b.shape())?;
    }
    Ok(linear_new(x, weight, bias))
}

/// x: (N, in), weight: (out, in), bias: (out) -> a new y (N, out). Shapes must already agree.
pub fn linear_new(
    x: ArrayView2<f32>,
    weight: ArrayView2<f32>,
    bias: Option<ArrayView1<f32>>,
) -> Array2<f32> {
    // a row-major copy of Wᵀ packs faster than the transposed view, and costs one small pass
    let wt = weight.t().as_standard_layout().into_owned();
    let mut y = gemm_new(1.0, x, wt.view());
    if let Some(b) = bias {
        let n = y.len();
        zip_for_each!(Zip::from(y.rows_mut()), n, |mut row: ArrayViewMut1<f32>| {
            row += &b
        });
    }
    y
}

/// x: (N, in), weight: (out, in), bias: (out) -> writes y (N, out). Shapes must already agree.
pub fn linear_forward_into(
    x: ArrayView2<f32>,
    weight: ArrayView2<f32>,
    bias: Option<ArrayView1<f32>>,
    mut y: ArrayViewMut2<f32>,
) {
    match bias {
        Some(b) => {
            let dim = y.dim();
            y.assign(&b.broadcast(dim).expect("bias fits the output rows"));
            gemm(1.0, x, weight.t(), 1.0, y);
        }
        None => gemm(1.0, x, weight.t(), 0.0, y),
    }
}

/// Gradients of a linear layer for one upstream gradient.
pub struct LinearGrads {
    /// (N, in)
    pub dx: Array2<f32>,
    /// (out, in) and (out)
    pub params: Linear,
}

/// dout: (N, out), x: (N, in), weight: (out, in) -> dx (N, in), dweight (out, in), dbias (out)
pub fn linear_backward(
    dout: ArrayView2<f32>,
    x: ArrayView2<f32>,
    weight: ArrayView2<f32>,
    has_bias: bool,
) -> Result<LinearGrads, EngineError> {
    let (d_out, d_in) = weight.dim();
    check_shape("linear input", &[x.nrows(), d_in], x.shape())?;
    check_shape("linear output gradient", &[x.nrows(), d_out], dout.shape())?;
    let mut dx = Array2::zeros(x.dim());
    let mut params = Linear::zeros(d_in, d_out, has_bias);
    linear_backward_into(
        dout,
        x,
        weight,
        Some(dx.view_mut()),
        params.weight.view_mut(),
        params.bias.as_mut().map(|b| b.view_mut()),
    );
    Ok(LinearGrads { dx, params })
}

/// dout: (N, out), x: (N, in), weight: (out, in) -> writes dx (N, in) when asked, dweight (out, in)
/// and dbias (out). Shapes must already agree.
pub fn linear_backward_into(
    dout: ArrayView2<f32>,
    x: ArrayView2<f32>,
    weight: ArrayView2<f32>,
    dx: Option<ArrayViewMut2<f32>>,
    dweight: ArrayViewMut2<f32>,
    dbias: Option<ArrayViewMut1<f32>>,
) {
    if let Some(dx) = dx {
        gemm(1.0, dout, weight, 0.0, dx);
    }
    gemm(1.0, dout.t(), x, 0.0, dweight);
    if let Some(mut db) = dbias {
        sum_rows_into(dout, db.view_mut());
    }
}

/// x: (N, C) -> writes the column sums (C), adding rows in order so the bits never vary; column
/// blocks run in parallel.
pub fn sum_rows_into(x: ArrayView2<f32>, mut out: ArrayViewMut1<f32>) {
    const COLS: usize = 64;
    out.fill(0.0);
    let parts: Vec<_> = x
        .axis_chunks_iter(Axis(1), COLS)
        .zip(out.axis_chunks_iter_mut(Axis(0), COLS))
        .collect();
    parts.into_par_iter().for_each(|(cols, mut acc)| {
        for row in cols.axis_iter(Axis(0)) {
            acc.zip_mut_with(&row, |o, &v| *o += v);
        }
    });
}
