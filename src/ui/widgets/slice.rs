//! A 2-D window onto a tensor of any rank: the last two axes are rows and columns, the leading
//! axes (batch, head, ...) are fixed at chosen indices.

use crate::results::Tensor;

/// Rows × columns of one tensor slice. Rank 0 is 1×1, rank 1 one row.
#[derive(Clone, Copy, Debug)]
pub struct Slice2<'a> {
    tensor: &'a Tensor,
    offset: usize,
    pub rows: usize,
    pub cols: usize,
}

/// Number of leading axes (those before the last two) of a tensor.
pub fn leading_rank(t: &Tensor) -> usize {
    t.shape.len().saturating_sub(2)
}

impl<'a> Slice2<'a> {
    /// The slice at `leading` indices (missing or out-of-range indices are clamped).
    pub fn new(tensor: &'a Tensor, leading: &[usize]) -> Self {
        let rank = tensor.shape.len();
        let (rows, cols) = match rank {
            0 => (1, 1),
            1 => (1, tensor.shape[0]),
            _ => (tensor.shape[rank - 2], tensor.shape[rank - 1]),
        };
        let mut offset = 0;
        let mut stride = rows * cols;
        for axis in (0..leading_rank(tensor)).rev() {
            let n = tensor.shape[axis];
            let i = leading
                .get(axis)
                .copied()
                .unwrap_or(0)
                .min(n.saturating_sub(1));
            offset += i * stride;
            stride *= n;
        }
        // A malformed tensor (data shorter than its shape) shows as empty rather than panicking.
        let (rows, cols) = if offset + rows * cols <= tensor.data.len() {
            (rows, cols)
        } else {
            (0, 0)
        };
        Slice2 {
            tensor,
            offset,
            rows,
            cols,
        }
    }

    pub fn tensor(&self) -> &'a Tensor {
        self.tensor
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0 || self.cols == 0
    }

    pub fn get(&self, r: usize, c: usize) -> f32 {
        self.tensor.data[self.offset + r * self.cols + c]
    }

    pub fn values(&self) -> impl Iterator<Item = f32> + '_ {
        self.tensor.data[self.offset..self.offset + self.rows * self.cols]
            .iter()
            .copied()
    }

    fn axis_label(&self, axis: Option<usize>, i: usize) -> Option<&'a str> {
        let labels = self.tensor.labels.get(axis?)?.as_ref()?;
        labels.get(i).map(String::as_str)
    }

    fn row_axis(&self) -> Option<usize> {
        self.tensor.shape.len().checked_sub(2)
    }

    fn col_axis(&self) -> Option<usize> {
        self.tensor.shape.len().checked_sub(1)
    }

    pub fn row_label(&self, r: usize) -> Option<&'a str> {
        self.axis_label(self.row_axis(), r)
    }

    pub fn col_label(&self, c: usize) -> Option<&'a str> {
        self.axis_label(self.col_axis(), c)
    }

    pub fn has_row_labels(&self) -> bool {
        self.row_label(0).is_some()
    }

    pub fn has_col_labels(&self) -> bool {
        self.col_label(0).is_some()
    }

    /// The full index of cell (r, c) in the tensor, e.g. `[0, 1, 2, 5]`.
    pub fn full_index(&self, leading: &[usize], r: usize, c: usize) -> Vec<usize> {
        let rank = self.tensor.shape.len();
        let mut idx: Vec<usize> = (0..leading_rank(self.tensor))
            .map(|a| {
                leading
                    .get(a)
                    .copied()
                    .unwrap_or(0)
                    .min(self.tensor.shape[a].saturating_sub(1))
            })
            .collect();
        match rank {
            0 => {}
            1 => idx.push(c),
            _ => {
                idx.push(r);
                idx.push(c);
            }
        }
        idx
    }
}

/// A value with `decimals` places; NaN and infinities spelled out; huge values in exponent form.
pub fn format_value(v: f32, decimals: usize) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else if v.abs() >= 1e5 {
        format!("{v:.1e}")
    } else {
        format!("{v:.decimals$}")
    }
}

/// The widest [`format_value`] of the finite values whose magnitude is at most `max_abs`.
pub fn value_width(max_abs: f32, any_negative: bool, decimals: usize) -> usize {
    // Rounding can add a digit (9.99996 shows as 10.0000 at 4 places).
    let rounded = max_abs + 0.5 * 10f32.powi(-(decimals as i32));
    let body = if max_abs >= 1e5 {
        7
    } else {
        let int_digits = (rounded.max(1.0).log10().floor() as usize) + 1;
        int_digits + if decimals > 0 { decimals + 1 } else { 0 }
    };
    body + usize::from(any_negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_of_a_4d_tensor() {
        let t = Tensor::new(vec![2, 3, 2, 2], (0..24).map(|v| v as f32).collect());
        let s = Slice2::new(&t, &[1, 2]);
        assert_eq!((s.rows, s.cols), (2, 2));
        assert_eq!(s.get(0, 0), 20.0);
        assert_eq!(s.get(1, 1), 23.0);
        assert_eq!(s.full_index(&[1, 2], 1, 0), vec![1, 2, 1, 0]);
        // Out-of-range leading indices are clamped.
        assert_eq!(Slice2::new(&t, &[9, 9]).get(0, 0), 20.0);
    }

    #[test]
    fn widths_match_formatting() {
        for (v, neg, d) in [(0.1932f32, false, 4), (12.5, true, 2), (0.0, false, 0)] {
            let w = value_width(v, neg, d);
            let shown = if neg { -v } else { v };
            assert_eq!(format_value(shown, d).chars().count(), w, "{v} {d}");
        }
        assert_eq!(format_value(f32::NEG_INFINITY, 2), "-inf");
    }
}
