//! `cargo bench --bench ops`: the engine's main ops on the shapes of the bench presets.

use divan::{Bencher, black_box};
use llm_lab::engine::attention::{
    Keep, MultiHeadAttention, multi_head_attention_backward, multi_head_attention_forward,
};
use llm_lab::engine::gemm::gemm;
use llm_lab::engine::layer_norm::{layer_norm_backward, layer_norm_forward};
use llm_lab::engine::linear::{Linear, linear_forward};
use llm_lab::engine::presets::{bench_preset, random_batches};
use llm_lab::engine::{AdamW, Detail, Gpt, Mode, train_step};
use ndarray::{Array1, Array2, Array3};

fn main() {
    divan::main();
}

fn filled(rows: usize, cols: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * 31 + j * 17) % 23) as f32 / 23.0 - 0.5
    })
}

/// (m, k) · (k, n) for the small preset's linear layers, with B stored (n, k) as PyTorch does.
#[divan::bench(args = [(2048, 128, 128), (2048, 128, 512), (2048, 512, 128), (2048, 128, 2048)])]
fn matmul_x_wt(bencher: Bencher, (m, k, n): (usize, usize, usize)) {
    let (a, w) = (filled(m, k), filled(n, k));
    let mut c = Array2::zeros((m, n));
    bencher
        .counter(divan::counter::ItemsCount::new(2 * m * k * n))
        .bench_local(|| gemm(1.0, a.view(), w.t(), 0.0, c.view_mut()));
}

/// dW = doutᵀ · x: the weight gradient of a linear layer, (n, m) · (m, k).
#[divan::bench(args = [(2048, 128, 128), (2048, 128, 512)])]
fn matmul_weight_grad(bencher: Bencher, (m, k, n): (usize, usize, usize)) {
    let (x, dout) = (filled(m, k), filled(m, n));
    let mut dw = Array2::zeros((n, k));
    bencher
        .counter(divan::counter::ItemsCount::new(2 * m * k * n))
        .bench_local(|| gemm(1.0, dout.t(), x.view(), 0.0, dw.view_mut()));
}

#[divan::bench]
fn linear_small(bencher: Bencher) {
    let x = filled(2048, 128);
    let l = Linear {
        weight: filled(512, 128),
        bias: Some(Array1::zeros(512)),
    };
    bencher.bench_local(|| {
        linear_forward(x.view(), l.weight.view(), l.bias.as_ref().map(|b| b.view())).unwrap()
    });
}

#[divan::bench]
fn layer_norm_small(bencher: Bencher) {
    let x = filled(2048, 128);
    let (scale, shift) = (Array1::ones(128), Array1::zeros(128));
    bencher.bench_local(|| {
        let acts = layer_norm_forward(x.view(), scale.view(), shift.view()).unwrap();
        layer_norm_backward(
            x.view(),
            x.view(),
            scale.view(),
            acts.mean.view(),
            acts.rstd.view(),
        )
        .unwrap()
    });
}

fn attention(c: usize) -> MultiHeadAttention {
    let lin = || Linear {
        weight: filled(c, c) * 0.1,
        bias: None,
    };
    MultiHeadAttention {
        w_query: lin(),
        w_key: lin(),
        w_value: lin(),
        out_proj: Linear {
            weight: filled(c, c) * 0.1,
            bias: Some(Array1::zeros(c)),
        },
    }
}

/// Causal multi-head attention forward and backward at the small preset's shapes (16, 128, 128), 4 heads.
#[divan::bench]
fn attention_small_forward_backward(bencher: Bencher) {
    let att = attention(128);
    let x = Array3::from_shape_fn((16, 128, 128), |(b, t, c)| {
        ((b + 3 * t + 7 * c) % 13) as f32 / 13.0 - 0.5
    });
    bencher.bench_local(|| {
        let acts =
            multi_head_attention_forward(x.view(), &att, 4, None, Keep::ForBackward).unwrap();
        multi_head_attention_backward(x.view(), x.view(), &att, &acts, None).unwrap()
    });
}

/// One full training step (forward, loss, backward, AdamW) of the tiny preset on 1 thread.
#[divan::bench]
fn train_step_tiny(bencher: Bencher) {
    let preset = bench_preset("tiny").unwrap();
    let mut model = Gpt::new(preset.config.clone(), 1).unwrap();
    model.set_threads(1).unwrap();
    let mut opt = AdamW::new(4e-4, (0.9, 0.999), 1e-8, 0.1);
    let data = random_batches(&preset.config, preset.batch, 1, 1);
    let (x, y) = &data[0];
    let mut seed = 0;
    bencher.bench_local(|| {
        seed += 1;
        train_step(&mut model, &mut opt, x.view(), y.view(), seed).unwrap()
    });
}

/// One eval forward pass of the tiny preset on 1 thread.
#[divan::bench]
fn inference_tiny(bencher: Bencher) {
    let preset = bench_preset("tiny").unwrap();
    let mut model = Gpt::new(preset.config.clone(), 1).unwrap();
    model.set_threads(1).unwrap();
    let data = random_batches(&preset.config, preset.batch, 1, 1);
    bencher.bench_local(|| {
        black_box(
            model
                .forward_detail(data[0].0.view(), Mode::Eval, Detail::Lean)
                .unwrap(),
        )
    });
}

/// One eval forward pass of the small preset on 2 threads.
#[divan::bench]
fn inference_small_2_threads(bencher: Bencher) {
    let preset = bench_preset("small").unwrap();
    let mut model = Gpt::new(preset.config.clone(), 1).unwrap();
    model.set_threads(2).unwrap();
    let data = random_batches(&preset.config, preset.batch, 1, 1);
    bencher.bench_local(|| {
        black_box(
            model
                .forward_detail(data[0].0.view(), Mode::Eval, Detail::Lean)
                .unwrap(),
        )
    });
}

/// (m, k) · (k, n) with B stored (k, n) row-major: the same product as `matmul_x_wt` from the other layout.
#[divan::bench(args = [(2048, 128, 128), (2048, 128, 512), (2048, 128, 2048)])]
fn matmul_x_w(bencher: Bencher, (m, k, n): (usize, usize, usize)) {
    let (a, w) = (filled(m, k), filled(k, n));
    let mut c = Array2::zeros((m, n));
    bencher
        .counter(divan::counter::ItemsCount::new(2 * m * k * n))
        .bench_local(|| gemm(1.0, a.view(), w.view(), 0.0, c.view_mut()));
}
