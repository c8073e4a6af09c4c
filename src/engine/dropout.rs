//! Inverted dropout: in training each value is kept with probability 1 - p and survivors are scaled
//! by 1/(1-p); in evaluation it is the identity. The keep mask comes from `rng` by position, so the
//! same (seed, stream) gives the same mask whatever thread computes it.

use super::error::{EngineError, check_drop_rate, check_shape};
use super::rng;
use ndarray::{ArrayD, ArrayViewD, Zip};

/// Writes the keep mask (1 = kept, 0 = dropped) for flat positions `offset..offset + mask.len()`.
#[inline]
pub fn fill_keep_mask(mask: &mut [f32], p: f32, key: u64, offset: usize) {
    // keep when the 24-bit uniform draw is at least p
    let threshold = (p as f64 * (1u64 << 24) as f64).ceil() as u64;
    for (i, m) in mask.iter_mut().enumerate() {
        let draw = rng::bits(key, (offset + i) as u64) >> 40;
        *m = if draw >= threshold { 1.0 } else { 0.0 };
    }
}

/// x: any shape, p in [0, 1), key from `rng::stream_key` -> (out, keep mask of 0/1), same shape
pub fn dropout_forward(
    x: ArrayViewD<f32>,
    p: f32,
    key: u64,
) -> Result<(ArrayD<f32>, ArrayD<f32>), EngineError> {
    check_drop_rate(p)?;
    let mut mask = ArrayD::zeros(x.raw_dim());
    fill_keep_mask(mask.as_slice_mut().expect("fresh array"), p, key, 0);
    let keep_scale = 1.0 / (1.0 - p);
    let mut out = ArrayD::zeros(x.raw_dim());
    Zip::from(&mut out)
        .and(&x)
        .and(&mask)
        .for_each(|o, &x, &m| *o = x * m * keep_scale);
    Ok((out, mask))
}

/// dout, mask: the same shape -> dx = dout · mask / (1 - p)
pub fn dropout_backward(
    dout: ArrayViewD<f32>,
    mask: ArrayViewD<f32>,
    p: f32,
) -> Result<ArrayD<f32>, EngineError> {
    check_drop_rate(p)?;
    check_shape("dropout mask", dout.shape(), mask.shape())?;
    let keep_scale = 1.0 / (1.0 - p);
    let mut dx = ArrayD::zeros(dout.raw_dim());
    Zip::from(&mut dx)
        .and(&dout)
        .and(&mask)
        .for_each(|d, &g, &m| *d = g * m * keep_scale);
    Ok(dx)
}
