//! Counter-based randomness: each random number is a pure function of (seed, stream, index), so a
//! dropout mask is the same whatever order or thread computes it.

/// Golden-ratio increment of splitmix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: a bijective mix of 64 bits.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key for one random stream (one dropout site in one step) under a seed.
#[inline]
pub fn stream_key(seed: u64, stream: u64) -> u64 {
    mix64(seed ^ mix64(stream.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// 64 random bits at `index` of the stream with `key`.
#[inline]
pub fn bits(key: u64, index: u64) -> u64 {
    mix64(key.wrapping_add(index.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// A uniform number in [0, 1) with 24 random bits at `index` of the stream with `key`.
#[inline]
pub fn uniform(key: u64, index: u64) -> f32 {
    (bits(key, index) >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_in_range_and_roughly_flat() {
        let key = stream_key(7, 3);
        let n = 100_000;
        let xs: Vec<f32> = (0..n).map(|i| uniform(key, i)).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let below_tenth = xs.iter().filter(|&&x| x < 0.1).count() as f64 / n as f64;
        assert!((below_tenth - 0.1).abs() < 0.005, "{below_tenth}");
    }

    #[test]
    fn streams_and_seeds_differ() {
        assert_ne!(bits(stream_key(1, 0), 0), bits(stream_key(2, 0), 0));
        assert_ne!(bits(stream_key(1, 0), 0), bits(stream_key(1, 1), 0));
    }
}
