//! The benchmark presets of shared/bench/ref_gpt.py and its workload: seeded random token batches.

use super::model::GptConfig;
use super::rng::{bits, stream_key};
use ndarray::{Array2, s};

/// One benchmark preset: a model configuration and a batch size.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchPreset {
    pub name: &'static str,
    pub config: GptConfig,
    pub batch: usize,
}

/// The presets by name: `tiny` and `small`, as in ref_gpt.py (dropout 0.1, no qkv bias).
pub fn bench_preset(name: &str) -> Option<BenchPreset> {
    let (vocab_size, context_length, emb_dim, n_heads, n_layers) = match name {
        "tiny" => (512, 64, 64, 4, 2),
        "small" => (2048, 128, 128, 4, 4),
        _ => return None,
    };
    Some(BenchPreset {
        name: if name == "tiny" { "tiny" } else { "small" },
        config: GptConfig {
            vocab_size,
            context_length,
            emb_dim,
            n_heads,
            n_layers,
            drop_rate: 0.1,
            qkv_bias: false,
        },
        batch: 16,
    })
}

/// `count` batches of (inputs, targets), each (batch, context) with targets shifted by one,
/// drawn uniformly from the vocabulary under `seed`.
pub fn random_batches(
    cfg: &GptConfig,
    batch: usize,
    count: usize,
    seed: u64,
) -> Vec<(Array2<usize>, Array2<usize>)> {
    let t = cfg.context_length;
    (0..count)
        .map(|i| {
            let key = stream_key(seed, i as u64);
            let all = Array2::from_shape_fn((batch, t + 1), |(b, j)| {
                (bits(key, (b * (t + 1) + j) as u64) % cfg.vocab_size as u64) as usize
            });
            (
                all.slice(s![.., ..t]).to_owned(),
                all.slice(s![.., 1..]).to_owned(),
            )
        })
        .collect()
}
