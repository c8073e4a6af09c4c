//! The engine's ops in the shapes scenes hold: a scene has one sequence (T, C) where the engine
//! takes a batch (B, T, C), and single vectors where the engine takes rows. These adapters only
//! reshape and translate errors; every number comes from `crate::engine`.

use super::SceneError;
use crate::engine::{EngineError, embedding, linear, softmax};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Dimension, Zip};

fn refused(e: EngineError) -> SceneError {
    SceneError(e.to_string())
}

/// z: (n) -> (n) probabilities, by the engine's softmax.
pub fn softmax(z: ArrayView1<f32>) -> Result<Array1<f32>, SceneError> {
    softmax::softmax(z).map_err(refused)
}

/// z: (rows, n) -> (rows, n), the engine's softmax of every row at once.
pub fn softmax_rows(z: ArrayView2<f32>) -> Result<Array2<f32>, SceneError> {
    softmax::softmax_rows_forward(z).map_err(refused)
}

/// a: (m, k), b: (k, n) -> (m, n), by the engine's matmul.
pub fn matmul(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Result<Array2<f32>, SceneError> {
    linear::matmul(a, b).map_err(refused)
}

/// v: (k), b: (k, n) -> (n): a single row times a matrix, by the engine's matmul.
pub fn row_matmul(v: ArrayView1<f32>, b: ArrayView2<f32>) -> Result<Array1<f32>, SceneError> {
    let row = v.insert_axis(Axis(0));
    Ok(matmul(row, b)?.remove_axis(Axis(0)))
}

/// x: (N, in), weight stored (out, in) -> (N, out) = x · Wᵀ, by the engine's bias-free linear layer.
pub fn linear(x: ArrayView2<f32>, weight: ArrayView2<f32>) -> Result<Array2<f32>, SceneError> {
    linear::linear_forward(x, weight, None).map_err(refused)
}

/// ids: (T), table: (V, C) -> (T, C), by the engine's embedding lookup run on a batch of one.
pub fn lookup(ids: &[usize], table: ArrayView2<f32>) -> Result<Array2<f32>, SceneError> {
    let batch =
        Array2::from_shape_vec((1, ids.len()), ids.to_vec()).expect("one row holds every id");
    let out = embedding::embedding_forward(batch.view(), table).map_err(refused)?;
    Ok(out.index_axis_move(Axis(0), 0))
}

/// The largest |a − b| over two arrays of one shape: how far two ways of computing agree.
pub fn max_abs_diff<D: Dimension>(a: &ndarray::Array<f32, D>, b: &ndarray::Array<f32, D>) -> f32 {
    let mut worst = 0f32;
    Zip::from(a)
        .and(b)
        .for_each(|x, y| worst = worst.max((x - y).abs()));
    worst
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn adapters_keep_the_scene_shapes() {
        let table = array![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
        assert_eq!(
            lookup(&[2, 0, 2], table.view()).unwrap(),
            array![[5.0, 6.0], [1.0, 2.0], [5.0, 6.0]]
        );
        let err = lookup(&[3], table.view()).unwrap_err();
        assert!(err.0.contains("outside the vocabulary of 3"), "{err}");
        let v = array![1.0f32, -1.0, 2.0];
        assert_eq!(
            row_matmul(v.view(), table.view()).unwrap(),
            array![8.0, 10.0]
        );
        // (out, in) storage through the linear layer equals x @ W with W stored (in, out).
        let x = array![[1.0f32, 0.5, -1.0]];
        assert_eq!(
            linear(x.view(), table.t()).unwrap(),
            matmul(x.view(), table.view()).unwrap()
        );
        let p = softmax(v.view()).unwrap();
        assert!((p.sum() - 1.0).abs() < 1e-6);
        assert_eq!(
            softmax_rows(v.view().insert_axis(Axis(0))).unwrap().row(0),
            p
        );
        assert_eq!(max_abs_diff(&p, &(&p + 0.25)), 0.25);
    }
}
