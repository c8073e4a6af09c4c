//! Vectorisable kernels for the element-wise hot loops: exp, GELU, softmax rows and dot products.
//!
//! Each kernel is written once as plain Rust and compiled twice, for the baseline CPU and with AVX2;
//! the AVX2 copy is picked at run time. Rust never fuses a·b + c into one rounding on its own and the
//! reductions use a fixed order (8 interleaved partial sums, combined the same way every time), so
//! both copies give the same bits.

/// Defines `pub fn $name` that runs an AVX2 build of `$body` when the CPU has it.
macro_rules! multiversion {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident : $ty:ty),*) $(-> $ret:ty)? $body:block) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn imp($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    imp($($arg),*)
                }
                if std::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU supports AVX2, checked on the line above.
                    return unsafe { avx2($($arg),*) };
                }
            }
            imp($($arg),*)
        }
    };
}

const LANES: usize = 8;

/// e^x to about 2 ulp for x in [-87.3, 88.7]; 0 below (so e^-∞ = 0), and e^88.37 above.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    let xc = x.clamp(-87.3, 88.37);
    // t's low mantissa bits hold round(xc·log2 e) as an integer
    let t = xc * LOG2E + ROUND;
    let n = t - ROUND;
    let n_int = t.to_bits() as i32 - ROUND.to_bits() as i32;
    let r = xc - n * LN2_HI - n * LN2_LO;
    // Cephes' minimax polynomial for e^r - 1 - r on [-ln2/2, ln2/2]
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * r * r + r + 1.0;
    let pow2 = f32::from_bits(((n_int + 127) as u32) << 23);
    if x < -87.3 { 0.0 } else { e * pow2 }
}

const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const CUBIC: f32 = 0.044_715;

/// GELU (tanh form) of one number, written as x·σ(2u) = 0.5·x·(1 + tanh(u)).
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    let u = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
    x / (1.0 + exp(-2.0 * u))
}

/// d gelu / dx = σ + 2·x·σ·(1 - σ)·du/dx, with σ = σ(2u).
#[inline(always)]
pub fn gelu_grad(x: f32) -> f32 {
    let u = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
    let s = 1.0 / (1.0 + exp(-2.0 * u));
    let du = SQRT_2_OVER_PI * (1.0 + 3.0 * CUBIC * x * x);
    s + 2.0 * x * s * (1.0 - s) * du
}

/// Sums `LANES` partial sums in a fixed tree.
#[inline(always)]
fn combine(acc: [f32; LANES]) -> f32 {
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

multiversion! {
    /// `y[i] = gelu(x[i])`
    fn gelu_slice(x: &[f32], y: &mut [f32]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = gelu(x);
        }
    }
}

multiversion! {
    /// `y[i] = gelu(x[i])`, into memory that need not be initialised
    fn gelu_slice_uninit(x: &[f32], y: &mut [std::mem::MaybeUninit<f32>]) {
        for (y, &x) in y.iter_mut().zip(x) {
            y.write(gelu(x));
        }
    }
}

multiversion! {
    /// `d[i] *= gelu'(x[i])`
    fn gelu_backward_slice(x: &[f32], d: &mut [f32]) {
        for (d, &x) in d.iter_mut().zip(x) {
            *d *= gelu_grad(x);
        }
    }
}

multiversion! {
    /// The largest value (-∞ for an empty slice).
    fn max(x: &[f32]) -> f32 {
        let mut acc = [f32::NEG_INFINITY; LANES];
        let chunks = x.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for i in 0..LANES {
                acc[i] = if c[i] > acc[i] { c[i] } else { acc[i] };
            }
        }
        let mut m = acc.iter().fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
        for &v in tail {
            m = if v > m { v } else { m };
        }
        m
    }
}

multiversion! {
    /// `x[i] = exp((x[i] - shift) · scale)`; returns `Σ x[i]` in a fixed order.
    fn exp_shifted_sum(x: &mut [f32], shift: f32, scale: f32) -> f32 {
        for v in x.iter_mut() {
            *v = exp((*v - shift) * scale);
        }
        let mut acc = [0.0f32; LANES];
        let chunks = x.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for i in 0..LANES {
                acc[i] += c[i];
            }
        }
        let mut sum = combine(acc);
        for &v in tail {
            sum += v;
        }
        sum
    }
}

multiversion! {
    /// `Σ a[i]·b[i]` in a fixed order.
    fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0.0f32; LANES];
        let split = n - n % LANES;
        for (ca, cb) in a[..split].chunks_exact(LANES).zip(b[..split].chunks_exact(LANES)) {
            for i in 0..LANES {
                acc[i] += ca[i] * cb[i];
            }
        }
        let mut sum = combine(acc);
        for (&x, &y) in a[split..].iter().zip(&b[split..]) {
            sum += x * y;
        }
        sum
    }
}

multiversion! {
    /// `x[i] *= s`
    fn scale(x: &mut [f32], s: f32) {
        for v in x.iter_mut() {
            *v *= s;
        }
    }
}

multiversion! {
    /// `d[i] = y[i] · (d[i] - c) · s`: the softmax backward once `c = Σ y·d` is known.
    fn softmax_backward_tail(y: &[f32], d: &mut [f32], c: f32, s: f32) {
        for (d, &y) in d.iter_mut().zip(y) {
            *d = y * (*d - c) * s;
        }
    }
}

multiversion! {
    /// `out[i] = w[i] · mask[i] · s`
    fn masked_scale(w: &[f32], mask: &[f32], out: &mut [f32], s: f32) {
        for ((o, &w), &m) in out.iter_mut().zip(w).zip(mask) {
            *o = w * m * s;
        }
    }
}

multiversion! {
    /// `Σ (x[i] - m)²` in a fixed order.
    fn sq_dev_sum(x: &[f32], m: f32) -> f32 {
        let mut acc = [0.0f32; LANES];
        let chunks = x.chunks_exact(LANES);
        let tail = chunks.remainder();
        for c in chunks {
            for i in 0..LANES {
                acc[i] += (c[i] - m) * (c[i] - m);
            }
        }
        let mut sum = combine(acc);
        for &v in tail {
            sum += (v - m) * (v - m);
        }
        sum
    }
}

multiversion! {
    /// Layer-norm backward of one row: with d = dy·g and x̂ = (x - m)·r,
    /// `dx = r·(d - mean(d) - x̂·mean(d·x̂))`.
    fn layer_norm_row_backward(dy: &[f32], x: &[f32], g: &[f32], m: f32, r: f32, dx: &mut [f32]) {
        let n = dy.len().min(x.len()).min(g.len()).min(dx.len());
        let (dy, x, g) = (&dy[..n], &x[..n], &g[..n]);
        let mut acc_d = [0.0f32; LANES];
        let mut acc_dx = [0.0f32; LANES];
        let split = n - n % LANES;
        for ((cy, cx), cg) in dy[..split]
            .chunks_exact(LANES)
            .zip(x[..split].chunks_exact(LANES))
            .zip(g[..split].chunks_exact(LANES))
        {
            for i in 0..LANES {
                let d = cy[i] * cg[i];
                acc_d[i] += d;
                acc_dx[i] += d * (cx[i] - m) * r;
            }
        }
        let (mut sum_d, mut sum_dx) = (combine(acc_d), combine(acc_dx));
        for i in split..n {
            let d = dy[i] * g[i];
            sum_d += d;
            sum_dx += d * (x[i] - m) * r;
        }
        let (mean_d, mean_dx) = (sum_d / n as f32, sum_dx / n as f32);
        for i in 0..n {
            dx[i] = r * (dy[i] * g[i] - mean_d - (x[i] - m) * r * mean_dx);
        }
    }
}

multiversion! {
    /// Adds one row's share to the layer-norm parameter gradients:
    /// `dscale += dy·(x - m)·r`, `dshift += dy`.
    fn layer_norm_row_param_grads(dy: &[f32], x: &[f32], m: f32, r: f32, dscale: &mut [f32], dshift: &mut [f32]) {
        for (((ds, db), &dy), &x) in dscale.iter_mut().zip(dshift.iter_mut()).zip(dy).zip(x) {
            *ds += dy * (x - m) * r;
            *db += dy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_and_zero_at_minus_infinity() {
        let mut worst = 0.0f64;
        for i in -8700..8837 {
            let x = i as f32 * 0.01;
            let want = (x as f64).exp();
            worst = worst.max(((exp(x) as f64 - want) / want).abs());
        }
        assert!(worst < 5e-7, "relative error {worst}");
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn gelu_matches_the_tanh_formula() {
        for i in -600..600 {
            let x = i as f32 * 0.01;
            let u =
                (2.0f64 / std::f64::consts::PI).sqrt() * (x as f64 + 0.044715 * (x as f64).powi(3));
            let want = 0.5 * x as f64 * (1.0 + u.tanh());
            assert!((gelu(x) as f64 - want).abs() < 2e-6, "{x}");
        }
    }

    #[test]
    fn reductions_match_sequential_sums_closely() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32 * 0.11).cos()).collect();
        let want: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - want).abs() < 1e-5);
        assert_eq!(max(&a), a.iter().cloned().fold(f32::NEG_INFINITY, f32::max));
    }
}
