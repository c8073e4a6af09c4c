//! Inverted dropout: in training each value is kept with probability 1 - p and survivors are scaled
//! by 1/(1-p); in evaluation it is the identity. The keep mask comes from `rng` by position, so the
//! same (seed, stream) gives the same mask whatever thread computes it.

use super::error::{EngineError, check_drop_rate, check_shape};
use super::rng;
use ndarray::{ArrayD, ArrayViewD, Zip};
use rayon::prelude::*;

/// Writes the keep mask (1 = kept, 0 = dropped) for flat positions `offset..offset + mask.len()`.
/// Position i draws 24 bits from half of the 64-bit hash of i / 2, so two positions share one hash.
#[inline]
pub fn fill_keep_mask(mask: &mut [f32], p: f32, key: u64, offset: usize) {
    // keep when the 24-bit uniform draw is at least p
    let threshold = (p as f64 * (1u64 << 24) as f64).ceil() as u64;
    let draw = |i: usize| {
        let z = rng::bits(key, (i / 2) as u64);
        if i.is_multiple_of(2) {
            z >> 40
        } else {
            (z >> 8) & 0xFF_FFFF
        }
    };
    let mut i = offset;
    let mut rest = &mut mask[..];
    // an odd start takes its draw alone, then whole pairs share a hash
    if i % 2 == 1 && !rest.is_empty() {
        rest[0] = if draw(i) >= threshold { 1.0 } else { 0.0 };
        rest = &mut rest[1..];
        i += 1;
    }
    let done = i + (rest.len() - rest.len() % 2);
    let mut pairs = rest.chunks_exact_mut(2);
    for (n, pair) in (&mut pairs).enumerate() {
        let z = rng::bits(key, (i / 2 + n) as u64);
        pair[0] = if z >> 40 >= threshold { 1.0 } else { 0.0 };
        pair[1] = if (z >> 8) & 0xFF_FFFF >= threshold {
            1.0
        } else {
            0.0
        };
    }
    if let Some(last) = pairs.into_remainder().first_mut() {
        *last = if draw(done) >= threshold { 1.0 } else { 0.0 };
    }
}

/// A fresh keep mask of `len` positions, filled in parallel blocks (same bits for any thread count).
pub fn keep_mask(len: usize, p: f32, key: u64) -> Vec<f32> {
    const BLOCK: usize = 1 << 14;
    let mut mask = vec![0.0f32; len];
    if len < super::par::PARALLEL_MIN {
        fill_keep_mask(&mut mask, p, key, 0);
    } else {
        mask.par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(i, chunk)| fill_keep_mask(chunk, p, key, i * BLOCK));
    }
    mask
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_do_not_depend_on_where_a_block_starts() {
        let whole = keep_mask(1001, 0.3, 42);
        for start in [0, 1, 2, 7, 500, 999] {
            let mut part = vec![0.0; 1001 - start];
            fill_keep_mask(&mut part, 0.3, 42, start);
            assert_eq!(part[..], whole[start..], "start {start}");
        }
        let kept = whole.iter().sum::<f32>() / whole.len() as f32;
        assert!((kept - 0.7).abs() < 0.05, "{kept}");
    }
}
