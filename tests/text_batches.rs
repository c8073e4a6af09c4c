//! Sliding windows and batches over the built-in corpus.

use llm_lab::text::batches::{DataConfig, Loader, Split, Windows, window_count};
use llm_lab::text::corpus::Corpus;
use llm_lab::text::tokenizer::Tokenizer;
use std::collections::BTreeSet;

fn corpus_ids() -> Vec<u32> {
    let corpus = Corpus::builtin().unwrap();
    Tokenizer::load(None)
        .unwrap()
        .encode_corpus(corpus)
        .unwrap()
}

#[test]
fn every_targets_row_is_its_inputs_row_shifted_by_one() {
    let ids = corpus_ids();
    for (context_length, stride, batch_size) in [(4, 1, 8), (8, 8, 4), (16, 5, 3), (32, 32, 16)] {
        let windows = Windows::new(ids.clone(), context_length, stride).unwrap();
        let loader = Loader::new(windows, batch_size, true, false, 7).unwrap();
        for batch in loader.epoch(0) {
            assert_eq!(batch.inputs.ncols(), context_length);
            assert_eq!(batch.inputs.dim(), batch.targets.dim());
            for (row, &w) in batch.windows.iter().enumerate() {
                let start = w * stride;
                let expect_in: Vec<usize> = ids[start..start + context_length]
                    .iter()
                    .map(|&i| i as usize)
                    .collect();
                let expect_out: Vec<usize> = ids[start + 1..start + context_length + 1]
                    .iter()
                    .map(|&i| i as usize)
                    .collect();
                assert_eq!(batch.inputs.row(row).to_vec(), expect_in);
                assert_eq!(batch.targets.row(row).to_vec(), expect_out);
                // The shift itself: target t is input t + 1.
                for t in 0..context_length - 1 {
                    assert_eq!(batch.targets[[row, t]], batch.inputs[[row, t + 1]]);
                }
            }
        }
    }
}

#[test]
fn window_counts_follow_the_formula_for_several_strides() {
    let n = corpus_ids().len();
    let t = 16;
    for stride in [1, 2, 3, 7, 16, 17, 100] {
        let windows = Windows::new(corpus_ids(), t, stride).unwrap();
        assert_eq!(windows.len(), (n - t).div_ceil(stride), "stride {stride}");
        assert_eq!(windows.len(), window_count(n, t, stride));
        // The last window still has its target inside the stream; one more would not.
        let last = windows.start(windows.len() - 1);
        assert!(last + t < n);
        assert!(last + stride + t >= n);
    }
    // Hand-worked: 10 tokens, windows of 4: starts 0..6 below 10 − 4 = 6.
    assert_eq!(window_count(10, 4, 1), 6);
    assert_eq!(window_count(10, 4, 2), 3);
    assert_eq!(window_count(10, 4, 4), 2);
    assert_eq!(window_count(10, 4, 6), 1);
    assert_eq!(window_count(4, 4, 1), 0);
    assert_eq!(window_count(5, 4, 1), 1);
}

#[test]
fn an_epoch_visits_every_window_once_and_the_seed_fixes_the_order() {
    let windows = Windows::new((0..500).collect(), 8, 3).unwrap();
    let n = windows.len();
    let loader = Loader::new(windows.clone(), 4, true, false, 42).unwrap();
    let seen: Vec<usize> = loader.epoch(0).flat_map(|b| b.windows).collect();
    assert_eq!(seen.len(), n);
    assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>().len(), n);
    assert_ne!(seen, (0..n).collect::<Vec<_>>(), "shuffled");

    let again = Loader::new(windows.clone(), 4, true, false, 42).unwrap();
    assert!(
        loader.epoch(3).eq(again.epoch(3)),
        "same seed, same batches"
    );
    assert_ne!(
        loader.order(0),
        loader.order(1),
        "each epoch has its own order"
    );
    let other = Loader::new(windows, 4, true, false, 43).unwrap();
    assert_ne!(
        loader.order(0),
        other.order(0),
        "another seed, another order"
    );
}

#[test]
fn drop_last_drops_only_a_partial_batch() {
    let windows = Windows::new((0..23).collect(), 2, 2).unwrap(); // 11 windows
    assert_eq!(windows.len(), 11);
    let keep = Loader::new(windows.clone(), 4, false, false, 0).unwrap();
    assert_eq!(keep.len(), 3);
    assert_eq!(keep.epoch(0).last().unwrap().inputs.nrows(), 3);
    let drop = Loader::new(windows.clone(), 4, false, true, 0).unwrap();
    assert_eq!(drop.len(), 2);
    assert!(drop.epoch(0).all(|b| b.inputs.nrows() == 4));
    // A single, partial batch is kept, or a tiny corpus would train on nothing.
    let only = Loader::new(windows, 20, false, true, 0).unwrap();
    assert_eq!(only.len(), 1);
}

#[test]
fn the_split_is_by_position_ninety_ten() {
    let ids = corpus_ids();
    let n = ids.len();
    let config = DataConfig::new(32, 8, 1);
    let split = Split::new(ids.clone(), 1, &config).unwrap();
    let at = config.split_index(n);
    assert!(at.abs_diff(n * 9 / 10) <= 1, "90% of {n} is {at}");
    assert_eq!(split.train.windows().ids(), &ids[..at]);
    assert_eq!(split.validation.windows().ids(), &ids[at..]);
    // Validation is in order and keeps its last partial batch.
    let first = split.validation.epoch(0).next().unwrap();
    assert_eq!(first.windows, (0..first.windows.len()).collect::<Vec<_>>());
    assert_eq!(
        split
            .validation
            .epoch(0)
            .map(|b| b.inputs.nrows())
            .sum::<usize>(),
        split.validation.windows().len()
    );
}
