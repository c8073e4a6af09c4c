//! Same seed, same bits: 20 AdamW steps run twice, and on 1 and 2 threads, give identical losses.

use llm_lab::engine::rng::{bits, stream_key};
use llm_lab::engine::{AdamW, Gpt, GptConfig, Mode, train_step};
use ndarray::Array2;

/// A configuration big enough that matmuls and attention split across threads.
fn config() -> GptConfig {
    GptConfig {
        vocab_size: 96,
        context_length: 32,
        emb_dim: 32,
        n_heads: 4,
        n_layers: 2,
        drop_rate: 0.1,
        qkv_bias: true,
    }
}

fn batch(step: u64, b: usize, t: usize, vocab: usize) -> (Array2<usize>, Array2<usize>) {
    let key = stream_key(1234, step);
    let tokens: Vec<usize> = (0..b * (t + 1))
        .map(|i| (bits(key, i as u64) % vocab as u64) as usize)
        .collect();
    let all = Array2::from_shape_vec((b, t + 1), tokens).unwrap();
    (
        all.slice(ndarray::s![.., ..t]).to_owned(),
        all.slice(ndarray::s![.., 1..]).to_owned(),
    )
}

fn run(threads: usize) -> (Vec<u32>, Vec<(String, Vec<u32>)>) {
    let cfg = config();
    let mut model = Gpt::new(cfg.clone(), 7).unwrap();
    model.set_threads(threads).unwrap();
    let mut opt = AdamW::new(4e-4, (0.9, 0.999), 1e-8, 0.1);
    let mut losses = Vec::new();
    for step in 0..20 {
        let (x, y) = batch(step % 4, 8, cfg.context_length, cfg.vocab_size);
        let loss = train_step(&mut model, &mut opt, x.view(), y.view(), 1000 + step).unwrap();
        losses.push(loss.to_bits());
    }
    let params = model
        .named_parameters()
        .into_iter()
        .map(|(n, a)| (n, a.iter().map(|v| v.to_bits()).collect()))
        .collect();
    (losses, params)
}

#[test]
fn same_seed_gives_identical_losses_run_after_run() {
    let (a, pa) = run(2);
    let (b, pb) = run(2);
    assert_eq!(a, b);
    assert!(pa == pb, "parameters differ after 20 steps");
}

#[test]
fn thread_count_does_not_change_any_bit() {
    let (one, p1) = run(1);
    let (two, p2) = run(2);
    let (three, _) = run(3);
    assert_eq!(one, two, "1 vs 2 threads");
    assert_eq!(one, three, "1 vs 3 threads");
    assert!(p1 == p2, "parameters differ between 1 and 2 threads");
}

#[test]
fn loss_falls_when_training_on_one_batch() {
    let cfg = config();
    let mut model = Gpt::new(cfg.clone(), 3).unwrap();
    let mut opt = AdamW::new(1e-2, (0.9, 0.999), 1e-8, 0.0);
    let (x, y) = batch(0, 4, 16, cfg.vocab_size);
    let first = train_step(&mut model, &mut opt, x.view(), y.view(), 1).unwrap();
    let mut last = first;
    for step in 1..30 {
        last = train_step(&mut model, &mut opt, x.view(), y.view(), 1 + step).unwrap();
    }
    assert!(
        first > 4.0 && last < first * 0.5,
        "loss went from {first} to {last}"
    );
    // and the eval pass with no dropout is repeatable
    let a = model.forward(x.view(), Mode::Eval).unwrap();
    let b = model.forward(x.view(), Mode::Eval).unwrap();
    assert_eq!(a.logits(), b.logits());
}

#[test]
fn every_kept_tensor_and_gradient_is_identical_on_1_and_2_threads() {
    let cfg = config();
    let (x, y) = batch(9, 8, cfg.context_length, cfg.vocab_size);
    let run = |threads: usize| {
        let mut model = Gpt::new(cfg.clone(), 11).unwrap();
        model.set_threads(threads).unwrap();
        model
            .loss_and_grads(x.view(), y.view(), Mode::Train { seed: 77 })
            .unwrap()
    };
    let (loss1, grads1, pass1) = run(1);
    let (loss2, grads2, pass2) = run(2);
    assert_eq!(loss1.to_bits(), loss2.to_bits());
    assert_eq!(pass1.paths(), pass2.paths());
    for path in pass1.paths() {
        let (a, b) = (pass1.get(&path).unwrap(), pass2.get(&path).unwrap());
        assert!(
            a.iter()
                .zip(b.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{path} differs"
        );
    }
    assert!(grads1 == grads2, "gradients differ");
}

#[test]
fn logits_split_between_threads_equal_the_forward_pass_bit_for_bit() {
    let cfg = config();
    let (x, _) = batch(5, 7, cfg.context_length, cfg.vocab_size);
    let mut model = Gpt::new(cfg, 13).unwrap();
    let want = model
        .forward(x.view(), Mode::Eval)
        .unwrap()
        .logits()
        .to_owned();
    for threads in [1, 2, 3] {
        model.set_threads(threads).unwrap();
        let got = model.logits(x.view()).unwrap();
        assert!(
            got.iter()
                .zip(want.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{threads} threads"
        );
    }
    assert!(
        model
            .logits(ndarray::Array2::<usize>::zeros((1, 99)).view())
            .is_err()
    );
}
