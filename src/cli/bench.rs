//! `llm-lab bench`: the engine's training and inference speed on the yardstick's presets.
//!
//! The workload is shared/bench/ref_gpt.py's: seeded random tokens (8 batches, reused in turn),
//! AdamW lr 4e-4 weight decay 0.1, dropout 0.1; a training step is forward, loss, backward and
//! update; inference is an eval forward pass to the logits (`Gpt::logits`). Medians of timed
//! runs after warm-up.

use crate::engine::presets::{bench_preset, random_batches};
use crate::engine::{AdamW, Gpt, train_step};
use clap::Args;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Model size: the same presets as shared/bench/ref_gpt.py.
    #[arg(long, default_value = "tiny", value_parser = ["tiny", "small"])]
    pub preset: String,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

const WARMUP: usize = 5;
const TRAIN_STEPS: usize = 30;
const INFER_ITERS: usize = 30;
const SEED: u64 = 123;

/// min, median, max of durations in milliseconds
fn summary(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[0], ms[ms.len() / 2], ms[ms.len() - 1])
}

/// The process's peak resident memory in MiB (VmHWM), when the system reports it.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let preset = bench_preset(&args.preset)
        .ok_or_else(|| anyhow::anyhow!("unknown preset `{}`; use tiny or small", args.preset))?;
    if args.threads == 0 {
        anyhow::bail!("--threads must be at least 1");
    }
    let cfg = preset.config.clone();
    let mut model = Gpt::new(cfg.clone(), SEED)?;
    model.set_threads(args.threads)?;
    let mut opt = AdamW::new(4e-4, (0.9, 0.999), 1e-8, 0.1);
    let data = random_batches(&cfg, preset.batch, 8, SEED);
    let tokens = (preset.batch * cfg.context_length) as f64;

    let mut train_ms = Vec::new();
    let mut losses = Vec::new();
    for step in 0..WARMUP + TRAIN_STEPS {
        let (x, y) = &data[step % data.len()];
        let start = Instant::now();
        let loss = train_step(&mut model, &mut opt, x.view(), y.view(), SEED + step as u64)?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        losses.push(loss);
        if step >= WARMUP {
            train_ms.push(ms);
        }
    }
    let mut infer_ms = Vec::new();
    let x = &data[0].0;
    for i in 0..WARMUP + INFER_ITERS {
        let start = Instant::now();
        let logits = model.logits(x.view())?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(logits);
        if i >= WARMUP {
            infer_ms.push(ms);
        }
    }
    let (tr_min, tr_med, tr_max) = summary(train_ms);
    let (in_min, in_med, in_max) = summary(infer_ms);
    let train_tps = tokens / (tr_med / 1e3);
    let infer_tps = tokens / (in_med / 1e3);
    let peak = peak_rss_mib();
    if args.json {
        let out = serde_json::json!({
            "config": preset.name, "threads": args.threads, "params": model.num_parameters(),
            "tokens_per_step": tokens as usize,
            "train_ms_step": {"min": tr_min, "median": tr_med, "max": tr_max},
            "train_tok_s_median": train_tps,
            "infer_ms_batch": {"min": in_min, "median": in_med, "max": in_max},
            "infer_tok_s_median": infer_tps,
            "loss_first": losses[0], "loss_last": losses[losses.len() - 1],
            "ln_vocab": (cfg.vocab_size as f64).ln(),
            "peak_rss_mib": peak,
        });
        println!("{out}");
    } else {
        println!(
            "preset={} vocab={} context={} emb_dim={} heads={} layers={} batch={} threads={}",
            preset.name,
            cfg.vocab_size,
            cfg.context_length,
            cfg.emb_dim,
            cfg.n_heads,
            cfg.n_layers,
            preset.batch,
            args.threads
        );
        println!("params={}  tokens/step={}", model.num_parameters(), tokens);
        println!(
            "loss first={:.4} last={:.4} (ln V={:.4})",
            losses[0],
            losses[losses.len() - 1],
            (cfg.vocab_size as f64).ln()
        );
        println!(
            "train: ms/step min {tr_min:.2} med {tr_med:.2} max {tr_max:.2}  tokens/s (median) {train_tps:.0}"
        );
        println!(
            "infer: ms/batch min {in_min:.2} med {in_med:.2} max {in_max:.2}  tokens/s (median) {infer_tps:.0}"
        );
        match peak {
            Some(mib) => println!("peak RSS {mib:.0} MiB"),
            None => println!("peak RSS unknown (no /proc/self/status)"),
        }
    }
    Ok(())
}
