//! A 2-D principal component projection, for scatter plots of embeddings.
//!
//! The top two eigenvectors of the covariance are found by power iteration on implicit
//! products `Xcᵀ (Xc v)` (no d×d matrix is formed, so 768-wide embeddings are cheap), the second
//! deflated against the first. Everything runs in f64 and is deterministic: the starting vector
//! is a data row, and each component's largest-magnitude entry is made positive.

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// The projection and what it was made of.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca2 {
    /// (n, 2): each row's coordinates along the two components.
    pub projected: Array2<f32>,
    /// (2, d): the unit components (a zero row when the data has no variance left).
    pub components: Array2<f32>,
    /// Variance along each component (sample variance, divided by n − 1).
    pub variance: [f32; 2],
    /// (d,): the mean that was subtracted.
    pub mean: Array1<f32>,
}

/// Why a projection cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PcaError {
    #[error("PCA needs at least one row and one column, got shape ({0}, {1})")]
    Empty(usize, usize),
    #[error("PCA input has a NaN or infinite value at row {0}, column {1}")]
    NotFinite(usize, usize),
}

const MAX_ITERS: usize = 1000;
const TOL: f64 = 1e-12;

/// x: (n, d) -> [`Pca2`] with projected (n, 2).
pub fn pca_2d(x: ArrayView2<f32>) -> Result<Pca2, PcaError> {
    let (n, d) = x.dim();
    if n == 0 || d == 0 {
        return Err(PcaError::Empty(n, d));
    }
    if let Some(((i, j), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(PcaError::NotFinite(i, j));
    }
    let xf = x.mapv(f64::from);
    let mean = xf.mean_axis(Axis(0)).expect("n > 0");
    let xc = &xf - &mean;
    let denom = (n.max(2) - 1) as f64;

    let mut comps: Vec<Array1<f64>> = Vec::new();
    let mut variance = [0f32; 2];
    for var in variance.iter_mut() {
        match top_component(&xc, &comps) {
            Some((v, lambda)) => {
                *var = (lambda / denom) as f32;
                comps.push(v);
            }
            None => comps.push(Array1::zeros(d)),
        }
    }
    let mut components = Array2::<f64>::zeros((2, d));
    for (k, c) in comps.iter().enumerate() {
        components.row_mut(k).assign(c);
    }
    let projected = xc.dot(&components.t());
    Ok(Pca2 {
        projected: projected.mapv(|v| v as f32),
        components: components.mapv(|v| v as f32),
        variance,
        mean: mean.mapv(|v| v as f32),
    })
}

fn orthogonalise(v: &mut Array1<f64>, against: &[Array1<f64>]) {
    for u in against {
        let p = v.dot(u);
        v.scaled_add(-p, u);
    }
}

/// The unit vector maximising |Xc v|² orthogonal to `found`, with its eigenvalue of XcᵀXc;
/// `None` when no variance is left.
fn top_component(xc: &Array2<f64>, found: &[Array1<f64>]) -> Option<(Array1<f64>, f64)> {
    // Start from the data row with the most remaining length: never orthogonal to the answer
    // unless the remaining variance is zero.
    let mut best: Option<(f64, Array1<f64>)> = None;
    for row in xc.rows() {
        let mut r = row.to_owned();
        orthogonalise(&mut r, found);
        let len = r.dot(&r);
        if best.as_ref().is_none_or(|(l, _)| len > *l) {
            best = Some((len, r));
        }
    }
    let (len, mut v) = best?;
    let scale = xc.iter().fold(0f64, |m, x| m.max(x.abs()));
    if len <= (1e-20 * scale * scale).max(f64::MIN_POSITIVE) {
        return None;
    }
    v /= len.sqrt();
    let mut lambda = 0.0;
    for _ in 0..MAX_ITERS {
        let mut w = xc.t().dot(&xc.dot(&v));
        orthogonalise(&mut w, found);
        let norm = w.dot(&w).sqrt();
        if norm == 0.0 {
            return None;
        }
        w /= norm;
        let delta = (&w - &v).mapv(f64::abs).sum();
        v = w;
        let converged = (norm - lambda).abs() <= TOL * norm && delta < 1e-9;
        lambda = norm;
        if converged {
            break;
        }
    }
    // Sign convention: the largest-magnitude entry is positive.
    let (_, &big) = v
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .expect("d > 0");
    if big < 0.0 {
        v.mapv_inplace(|x| -x);
    }
    Some((v, lambda))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn finds_the_long_axis_first() {
        // Points stretched along (1, 1) with a little spread along (1, -1).
        let x = array![
            [-2.0f32, -2.1],
            [-1.0, -0.9],
            [0.0, 0.1],
            [1.0, 0.9],
            [2.0, 2.1],
            [0.5, 0.4]
        ];
        let p = pca_2d(x.view()).unwrap();
        let c0 = p.components.row(0);
        let s = std::f32::consts::FRAC_1_SQRT_2;
        assert!((c0[0] - s).abs() < 0.02 && (c0[1] - s).abs() < 0.02, "{c0}");
        // Components are orthonormal.
        let c1 = p.components.row(1);
        assert!(c0.dot(&c1).abs() < 1e-5);
        assert!((c1.dot(&c1) - 1.0).abs() < 1e-5);
        assert!(p.variance[0] > 10.0 * p.variance[1]);
        // Each component is an eigenvector of the covariance with its variance as eigenvalue.
        let xc = &x - &p.mean;
        let cov = xc.t().dot(&xc) / 5.0;
        for k in 0..2 {
            let v = p.components.row(k);
            let cv = cov.dot(&v);
            for j in 0..2 {
                assert!((cv[j] - p.variance[k] * v[j]).abs() < 1e-4);
            }
        }
        // The projection's first column has the first variance.
        let col = p.projected.column(0);
        let var = col.dot(&col) / 5.0;
        assert!((var - p.variance[0]).abs() < 1e-4);
    }

    #[test]
    fn deterministic_and_sign_fixed() {
        let x = array![
            [0.43f32, 0.15, 0.89],
            [0.55, 0.87, 0.66],
            [0.57, 0.85, 0.64],
            [0.22, 0.58, 0.33],
            [0.77, 0.25, 0.10],
            [0.05, 0.80, 0.55]
        ];
        let a = pca_2d(x.view()).unwrap();
        let b = pca_2d((-&x).view()).unwrap();
        assert_eq!(a, pca_2d(x.view()).unwrap());
        // Negating the data flips the projection but not the components.
        assert_eq!(a.components, b.components);
        for k in 0..2 {
            let row = a.components.row(k);
            let big = row
                .iter()
                .copied()
                .fold(0f32, |m, v| if v.abs() > m.abs() { v } else { m });
            assert!(big > 0.0);
        }
    }

    #[test]
    fn degenerate_inputs() {
        let one = array![[1.0f32, 2.0, 3.0]];
        let p = pca_2d(one.view()).unwrap();
        assert_eq!(p.projected, array![[0.0f32, 0.0]]);
        let col = array![[1.0f32], [2.0], [4.0]];
        let p = pca_2d(col.view()).unwrap();
        assert_eq!(p.components.row(1).to_vec(), vec![0.0]);
        assert!(matches!(
            pca_2d(Array2::<f32>::zeros((0, 3)).view()),
            Err(PcaError::Empty(0, 3))
        ));
        let bad = array![[1.0f32, f32::NAN]];
        assert_eq!(pca_2d(bad.view()), Err(PcaError::NotFinite(0, 1)));
    }
}
