//! Training pairs from a stream of token ids, the way the book's data loader makes them.
//!
//! A window of `context_length` ids starting at position `i` is one input row; its target row is
//! the same window moved one position on, so target `t` is the token that follows input `t`.
//! Windows start every `stride` tokens: `stride == context_length` tiles the text without
//! overlap, a smaller stride makes overlapping rows. The stream is first split by position
//! into a training part and a validation part (90/10 by default), so no window straddles both.

use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Why batches cannot be made. Each message is one line that says what to do.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("context length must be at least 1 (got {0})")]
    ContextLength(usize),
    #[error("stride must be at least 1 (got {0})")]
    Stride(usize),
    #[error("batch size must be at least 1 (got {0})")]
    BatchSize(usize),
    #[error("the training share must be between 0 and 1, both excluded (got {0})")]
    TrainRatio(f64),
    #[error(
        "the corpus is too short for context length {context_length}: it has {tokens} tokens ({chars} characters) and needs at least {needed_tokens} tokens (about {needed_chars} characters) for one training and one validation window; give a longer text or a shorter context length"
    )]
    TooShort {
        context_length: usize,
        tokens: usize,
        chars: usize,
        needed_tokens: usize,
        needed_chars: usize,
    },
}

/// How many windows of `context_length` inputs (plus one target past the end) start every
/// `stride` tokens in a stream of `n_tokens`: the starts are 0, stride, 2·stride, … below
/// `n_tokens − context_length`, i.e. ⌈(n − T) / stride⌉ windows when n > T, else none.
pub fn window_count(n_tokens: usize, context_length: usize, stride: usize) -> usize {
    if n_tokens <= context_length || stride == 0 {
        0
    } else {
        (n_tokens - context_length - 1) / stride + 1
    }
}

/// The sliding windows over one stream of ids.
#[derive(Clone, Debug, PartialEq)]
pub struct Windows {
    ids: Vec<u32>,
    context_length: usize,
    stride: usize,
}

impl Windows {
    pub fn new(ids: Vec<u32>, context_length: usize, stride: usize) -> Result<Windows, DataError> {
        if context_length == 0 {
            return Err(DataError::ContextLength(context_length));
        }
        if stride == 0 {
            return Err(DataError::Stride(stride));
        }
        Ok(Windows {
            ids,
            context_length,
            stride,
        })
    }

    pub fn len(&self) -> usize {
        window_count(self.ids.len(), self.context_length, self.stride)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where window `i` starts in the stream.
    pub fn start(&self, i: usize) -> usize {
        i * self.stride
    }

    /// Window `i`: (inputs, targets), each `context_length` ids, targets one position on.
    /// Panics if `i >= len()` (callers index within `len`).
    pub fn get(&self, i: usize) -> (&[u32], &[u32]) {
        assert!(i < self.len(), "window {i} of {}", self.len());
        let s = self.start(i);
        let t = self.context_length;
        (&self.ids[s..s + t], &self.ids[s + 1..s + t + 1])
    }

    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    pub fn context_length(&self) -> usize {
        self.context_length
    }

    pub fn stride(&self) -> usize {
        self.stride
    }
}

/// One batch: `inputs` and `targets` are (batch, context_length); `windows` are the indices of
/// the windows in its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub inputs: Array2<usize>,
    pub targets: Array2<usize>,
    pub windows: Vec<usize>,
}

/// Batches of windows, optionally shuffled with a seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Loader {
    windows: Windows,
    batch_size: usize,
    shuffle: bool,
    drop_last: bool,
    seed: u64,
}

impl Loader {
    /// `drop_last` drops a final batch smaller than `batch_size`, as the book does for
    /// training, except when it is the only batch.
    pub fn new(
        windows: Windows,
        batch_size: usize,
        shuffle: bool,
        drop_last: bool,
        seed: u64,
    ) -> Result<Loader, DataError> {
        if batch_size == 0 {
            return Err(DataError::BatchSize(batch_size));
        }
        Ok(Loader {
            windows,
            batch_size,
            shuffle,
            drop_last,
            seed,
        })
    }

    pub fn windows(&self) -> &Windows {
        &self.windows
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Batches per epoch.
    pub fn len(&self) -> usize {
        let n = self.windows.len();
        if self.drop_last && n >= self.batch_size {
            n / self.batch_size
        } else {
            n.div_ceil(self.batch_size)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The order of windows in an epoch: shuffled by (seed, epoch) when shuffling, else in order.
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.windows.len()).collect();
        if self.shuffle {
            let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
            rng.set_stream(epoch);
            order.shuffle(&mut rng);
        }
        order
    }

    /// The batches of one epoch. The same seed and epoch give the same batches.
    pub fn epoch(&self, epoch: u64) -> impl ExactSizeIterator<Item = Batch> + '_ {
        let order = self.order(epoch);
        (0..self.len()).map(move |b| {
            let rows = &order[b * self.batch_size..((b + 1) * self.batch_size).min(order.len())];
            self.batch_of(rows)
        })
    }

    /// A batch of the given windows, in that order.
    pub fn batch_of(&self, rows: &[usize]) -> Batch {
        let t = self.windows.context_length();
        let mut inputs = Array2::zeros((rows.len(), t));
        let mut targets = Array2::zeros((rows.len(), t));
        for (r, &w) in rows.iter().enumerate() {
            let (x, y) = self.windows.get(w);
            for (dst, &id) in inputs.row_mut(r).iter_mut().zip(x) {
                *dst = id as usize;
            }
            for (dst, &id) in targets.row_mut(r).iter_mut().zip(y) {
                *dst = id as usize;
            }
        }
        Batch {
            inputs,
            targets,
            windows: rows.to_vec(),
        }
    }
}

/// How to turn a token stream into training and validation batches.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataConfig {
    pub context_length: usize,
    pub stride: usize,
    pub batch_size: usize,
    /// The share of tokens, from the start, used for training; the rest validates.
    pub train_ratio: f64,
    pub seed: u64,
}

impl DataConfig {
    /// The book's choices: non-overlapping windows (stride = context length), 90/10 split.
    pub fn new(context_length: usize, batch_size: usize, seed: u64) -> DataConfig {
        DataConfig {
            context_length,
            stride: context_length,
            batch_size,
            train_ratio: 0.9,
            seed,
        }
    }

    fn validate(&self) -> Result<(), DataError> {
        if self.context_length == 0 {
            return Err(DataError::ContextLength(self.context_length));
        }
        if self.stride == 0 {
            return Err(DataError::Stride(self.stride));
        }
        if self.batch_size == 0 {
            return Err(DataError::BatchSize(self.batch_size));
        }
        if !(self.train_ratio > 0.0 && self.train_ratio < 1.0) {
            return Err(DataError::TrainRatio(self.train_ratio));
        }
        Ok(())
    }

    /// Where the stream of `n` tokens is split: the first index of the validation part.
    pub fn split_index(&self, n: usize) -> usize {
        (n as f64 * self.train_ratio).floor() as usize
    }

    /// The fewest tokens that give one training window and one validation window.
    pub fn min_tokens(&self) -> usize {
        let t = self.context_length;
        let mut n = 2 * (t + 1);
        while self.split_index(n) <= t || n - self.split_index(n) <= t {
            n += 1;
        }
        n
    }
}

/// Training batches (shuffled, last partial batch dropped) and validation batches (in order,
/// all kept), as in the book.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Loader,
    pub validation: Loader,
}

impl Split {
    /// Splits the ids of a corpus of `chars` characters (used only in messages) by position.
    pub fn new(mut ids: Vec<u32>, chars: usize, config: &DataConfig) -> Result<Split, DataError> {
        config.validate()?;
        let n = ids.len();
        let at = config.split_index(n);
        let t = config.context_length;
        if at <= t || n - at <= t {
            let needed_tokens = config.min_tokens();
            let chars_per_token = chars as f64 / n.max(1) as f64;
            return Err(DataError::TooShort {
                context_length: t,
                tokens: n,
                chars,
                needed_tokens,
                needed_chars: (needed_tokens as f64 * chars_per_token).ceil() as usize,
            });
        }
        let validation_ids = ids.split_off(at);
        ids.shrink_to_fit();
        let stride = config.stride;
        Ok(Split {
            train: Loader::new(
                Windows::new(ids, t, stride)?,
                config.batch_size,
                true,
                true,
                config.seed,
            )?,
            validation: Loader::new(
                Windows::new(validation_ids, t, stride)?,
                config.batch_size,
                false,
                false,
                config.seed,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_count_matches_the_books_range() {
        for n in 0..40usize {
            for t in 1..6 {
                for stride in 1..8 {
                    let expected = (0..n.saturating_sub(t)).step_by(stride).count();
                    assert_eq!(
                        window_count(n, t, stride),
                        expected,
                        "n={n} t={t} s={stride}"
                    );
                }
            }
        }
    }

    #[test]
    fn min_tokens_is_the_least_that_fits() {
        let config = DataConfig::new(4, 2, 0);
        let n = config.min_tokens();
        let fits = |n: usize| {
            let at = config.split_index(n);
            at > 4 && n - at > 4
        };
        assert!(fits(n));
        assert!((0..n).all(|m| !fits(m)));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert_eq!(Windows::new(vec![], 0, 1), Err(DataError::ContextLength(0)));
        assert_eq!(Windows::new(vec![], 1, 0), Err(DataError::Stride(0)));
        let w = Windows::new(vec![1, 2, 3], 1, 1).unwrap();
        assert_eq!(
            Loader::new(w, 0, false, false, 0),
            Err(DataError::BatchSize(0))
        );
        let mut c = DataConfig::new(2, 1, 0);
        c.train_ratio = 1.0;
        assert_eq!(
            Split::new(vec![0; 100], 100, &c),
            Err(DataError::TrainRatio(1.0))
        );
    }
}
