//! GELU in its tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.

use ndarray::{ArrayD, ArrayViewD, Zip};

pub use super::fastmath::{gelu, gelu_grad};

/// x: any shape -> same shape
pub fn gelu_forward(x: ArrayViewD<f32>) -> ArrayD<f32> {
    let mut y = ArrayD::zeros(x.raw_dim());
    Zip::from(&mut y).and(&x).par_for_each(|y, &x| *y = gelu(x));
    y
}

/// dout, x: the same shape -> dx
pub fn gelu_backward(
    dout: ArrayViewD<f32>,
    x: ArrayViewD<f32>,
) -> Result<ArrayD<f32>, super::EngineError> {
    super::error::check_shape("gelu output gradient", x.shape(), dout.shape())?;
    let mut dx = ArrayD::zeros(x.raw_dim());
    Zip::from(&mut dx)
        .and(&dout)
        .and(&x)
        .par_for_each(|dx, &dy, &x| *dx = dy * gelu_grad(x));
    Ok(dx)
}
