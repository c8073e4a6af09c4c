//! The GPT of the book: token + position embeddings, embedding dropout, pre-LN blocks, final layer
//! norm, and an untied, bias-free output head; with its loss and every gradient.

use super::attention::Keep;
use super::block::{Block, BlockActs, BlockDropout, block_backward, block_forward};
use super::cross_entropy::{probs_to_dlogits, softmax_nll_rows};
use super::error::{EngineError, check_finite};
use super::gemm::{gemm, gemm_new};
use super::layer_norm::{LayerNorm, LayerNormActs, layer_norm_backward, layer_norm_forward};
use super::linear::Linear;
use super::par::zip_for_each;
use super::rng::stream_key;
use super::softmax::softmax_row_in_place;
use ndarray::{
    Array0, Array2, Array3, ArrayD, ArrayView2, ArrayView3, ArrayViewD, ArrayViewMutD, Axis, IxDyn,
    Zip,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal, Uniform};
use std::sync::Arc;

/// The book's model configuration, with its key names.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GptConfig {
    pub vocab_size: usize,
    pub context_length: usize,
    pub emb_dim: usize,
    pub n_heads: usize,
    pub n_layers: usize,
    pub drop_rate: f32,
    pub qkv_bias: bool,
}

impl GptConfig {
    /// Checks that the configuration can build a model; the error says which field to change.
    pub fn validate(&self) -> Result<(), EngineError> {
        let fail = |msg: String| Err(EngineError::Config(msg));
        for (name, v) in [
            ("vocab_size", self.vocab_size),
            ("context_length", self.context_length),
            ("emb_dim", self.emb_dim),
            ("n_heads", self.n_heads),
            ("n_layers", self.n_layers),
        ] {
            if v == 0 {
                return fail(format!("{name} must be at least 1"));
            }
        }
        if !self.emb_dim.is_multiple_of(self.n_heads) {
            return fail(format!(
                "n_heads ({}) must divide emb_dim ({}); try n_heads = {}",
                self.n_heads,
                self.emb_dim,
                (1..=self.n_heads)
                    .rev()
                    .find(|h| self.emb_dim.is_multiple_of(*h))
                    .unwrap_or(1)
            ));
        }
        if !(0.0..1.0).contains(&self.drop_rate) {
            return fail(format!("drop_rate {} must be in [0, 1)", self.drop_rate));
        }
        let big = 1usize << 31;
        if self.vocab_size.saturating_mul(self.emb_dim) >= big
            || self.context_length.saturating_mul(self.emb_dim) >= big
            || self.emb_dim.saturating_mul(4 * self.emb_dim) >= big
        {
            return fail(
                "the model is too large for this engine (a tensor over 2^31 values)".into(),
            );
        }
        Ok(())
    }

    /// The number of parameters a model of this configuration has, without building it
    /// (untied output head, as the book's GPTModel).
    pub fn num_parameters(&self) -> usize {
        let (v, c) = (self.vocab_size, self.emb_dim);
        let qkv = 3 * (c * c + if self.qkv_bias { c } else { 0 });
        let attention = qkv + c * c + c;
        let feed_forward = (c * 4 * c + 4 * c) + (4 * c * c + c);
        let norms = 2 * 2 * c;
        v * c
            + self.context_length * c
            + self.n_layers * (attention + feed_forward + norms)
            + 2 * c
            + v * c
    }

    /// head_dim = emb_dim / n_heads
    pub fn head_dim(&self) -> usize {
        self.emb_dim / self.n_heads
    }
}

/// Evaluation (no dropout) or training (dropout drawn from `seed`; use a new seed every step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Eval,
    Train { seed: u64 },
}

/// How much a forward pass keeps. `Full` keeps everything a lesson may show; `Lean` skips the
/// raw and masked attention scores and the probabilities, and in a pure forward pass (no
/// gradients) the attention weights too, for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    Full,
    Lean,
}

/// Every parameter of the GPT (or its gradient), in PyTorch layout: linear weights (out, in).
#[derive(Clone, Debug, PartialEq)]
pub struct GptParams {
    /// (V, C)
    pub tok_emb: Array2<f32>,
    /// (context, C)
    pub pos_emb: Array2<f32>,
    pub blocks: Vec<Block>,
    pub final_norm: LayerNorm,
    /// (V, C)
    pub out_head: Array2<f32>,
}

fn push_linear<'a>(out: &mut Vec<(String, ArrayViewD<'a, f32>)>, name: &str, l: &'a Linear) {
    out.push((format!("{name}.weight"), l.weight.view().into_dyn()));
    if let Some(b) = &l.bias {
        out.push((format!("{name}.bias"), b.view().into_dyn()));
    }
}

fn push_linear_mut<'a>(
    out: &mut Vec<(String, ArrayViewMutD<'a, f32>)>,
    name: &str,
    l: &'a mut Linear,
) {
    out.push((format!("{name}.weight"), l.weight.view_mut().into_dyn()));
    if let Some(b) = &mut l.bias {
        out.push((format!("{name}.bias"), b.view_mut().into_dyn()));
    }
}

impl GptParams {
    /// All zeros, shaped for `cfg`.
    pub fn zeros(cfg: &GptConfig) -> GptParams {
        let c = cfg.emb_dim;
        GptParams {
            tok_emb: Array2::zeros((cfg.vocab_size, c)),
            pos_emb: Array2::zeros((cfg.context_length, c)),
            blocks: (0..cfg.n_layers)
                .map(|_| Block::zeros(c, cfg.qkv_bias))
                .collect(),
            final_norm: LayerNorm::zeros(c),
            out_head: Array2::zeros((cfg.vocab_size, c)),
        }
    }

    /// Every tensor with its PyTorch name, in the book's GPTModel state_dict order.
    pub fn entries(&self) -> Vec<(String, ArrayViewD<'_, f32>)> {
        let mut out = vec![
            ("tok_emb.weight".to_string(), self.tok_emb.view().into_dyn()),
            ("pos_emb.weight".to_string(), self.pos_emb.view().into_dyn()),
        ];
        for (i, b) in self.blocks.iter().enumerate() {
            let p = format!("trf_blocks.{i}");
            push_linear(&mut out, &format!("{p}.att.W_query"), &b.att.w_query);
            push_linear(&mut out, &format!("{p}.att.W_key"), &b.att.w_key);
            push_linear(&mut out, &format!("{p}.att.W_value"), &b.att.w_value);
            push_linear(&mut out, &format!("{p}.att.out_proj"), &b.att.out_proj);
            push_linear(&mut out, &format!("{p}.ff.layers.0"), &b.ff.layer0);
            push_linear(&mut out, &format!("{p}.ff.layers.2"), &b.ff.layer2);
            for (n, ln) in [("norm1", &b.norm1), ("norm2", &b.norm2)] {
                out.push((format!("{p}.{n}.scale"), ln.scale.view().into_dyn()));
                out.push((format!("{p}.{n}.shift"), ln.shift.view().into_dyn()));
            }
        }
        out.push((
            "final_norm.scale".into(),
            self.final_norm.scale.view().into_dyn(),
        ));
        out.push((
            "final_norm.shift".into(),
            self.final_norm.shift.view().into_dyn(),
        ));
        out.push(("out_head.weight".into(), self.out_head.view().into_dyn()));
        out
    }

    /// `entries`, mutable, in the same order.
    pub fn entries_mut(&mut self) -> Vec<(String, ArrayViewMutD<'_, f32>)> {
        let mut out = vec![
            (
                "tok_emb.weight".to_string(),
                self.tok_emb.view_mut().into_dyn(),
            ),
            (
                "pos_emb.weight".to_string(),
                self.pos_emb.view_mut().into_dyn(),
            ),
        ];
        for (i, b) in self.blocks.iter_mut().enumerate() {
            let p = format!("trf_blocks.{i}");
            push_linear_mut(&mut out, &format!("{p}.att.W_query"), &mut b.att.w_query);
            push_linear_mut(&mut out, &format!("{p}.att.W_key"), &mut b.att.w_key);
            push_linear_mut(&mut out, &format!("{p}.att.W_value"), &mut b.att.w_value);
            push_linear_mut(&mut out, &format!("{p}.att.out_proj"), &mut b.att.out_proj);
            push_linear_mut(&mut out, &format!("{p}.ff.layers.0"), &mut b.ff.layer0);
            push_linear_mut(&mut out, &format!("{p}.ff.layers.2"), &mut b.ff.layer2);
            for (n, ln) in [("norm1", &mut b.norm1), ("norm2", &mut b.norm2)] {
                out.push((format!("{p}.{n}.scale"), ln.scale.view_mut().into_dyn()));
                out.push((format!("{p}.{n}.shift"), ln.shift.view_mut().into_dyn()));
            }
        }
        out.push((
            "final_norm.scale".into(),
            self.final_norm.scale.view_mut().into_dyn(),
        ));
        out.push((
            "final_norm.shift".into(),
            self.final_norm.shift.view_mut().into_dyn(),
        ));
        out.push((
            "out_head.weight".into(),
            self.out_head.view_mut().into_dyn(),
        ));
        out
    }

    /// The total number of values.
    pub fn len(&self) -> usize {
        self.entries().iter().map(|(_, a)| a.len()).sum()
    }

    /// True when there are no values at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The gradient of the loss with respect to every parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    pub params: GptParams,
}

impl Gradients {
    /// Every gradient with its parameter's name (not prefixed), in `named_parameters` order and layout.
    pub fn named(&self) -> Vec<(String, ArrayD<f32>)> {
        self.params
            .entries()
            .into_iter()
            .map(|(n, a)| (n, a.to_owned()))
            .collect()
    }

    /// One gradient by parameter name, with or without the `grad.` prefix.
    pub fn get(&self, name: &str) -> Option<ArrayViewD<'_, f32>> {
        let name = name.strip_prefix("grad.").unwrap_or(name);
        self.params
            .entries()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
    }

    /// Every gradient's path: `grad.<parameter name>`.
    pub fn paths(&self) -> Vec<String> {
        self.params
            .entries()
            .into_iter()
            .map(|(n, _)| format!("grad.{n}"))
            .collect()
    }

    /// The L2 norm of all gradients together, summed in parameter order.
    pub fn global_norm(&self) -> f32 {
        let sum: f64 = self
            .params
            .entries()
            .iter()
            .map(|(_, a)| a.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>())
            .sum();
        sum.sqrt() as f32
    }
}

/// Everything a forward pass computed, reachable by path (see `paths`). With B batch rows, T
/// tokens, C = emb_dim, H heads of d = C/H, V = vocab, in computation order:
///
/// - `tok_emb.out` (B,T,C), `pos_emb.out` (T,C), `drop_emb.dropout_mask`† (B,T,C), `drop_emb.out` (B,T,C)
/// - per block `trf_blocks.{i}.`: `norm1.out` (B,T,C), `norm1.mean|rstd` (B,T);
///   `att.queries|keys|values` (B,H,T,d); `att.scores|masked_scores`‡ (B,H,T,T) (raw q·kᵀ, and
///   with -∞ above the diagonal); `att.weights`§ (B,H,T,T) softmax of masked/√d;
///   `att.dropout_mask|dropped_weights`† (B,H,T,T); `att.context` (B,T,C) heads merged;
///   `att.out` (B,T,C) after out_proj; `shortcut1.dropout_mask`† and `shortcut1.out` (B,T,C) =
///   x + drop(att); `norm2.out|mean|rstd`; `ff.hidden` (B,T,4C) before GELU, `ff.gelu` (B,T,4C),
///   `ff.out` (B,T,C); `shortcut2.dropout_mask`†; `out` (B,T,C) the block's output
/// - `final_norm.out|mean|rstd`, `logits` (B,T,V), `probs`‡ (B,T,V), `loss` () with targets
///
/// † training with drop_rate > 0 only; dropout masks hold 1 (kept) or 0 (dropped), survivors are
/// scaled by 1/(1-p). ‡ `Detail::Full` only (the default of `forward` and `loss_and_grads`).
/// § not kept by a `Detail::Lean` pass without gradients. Gradients live in `Gradients`, under
/// `grad.<parameter name>`.
#[derive(Clone, Debug)]
pub struct ForwardPass {
    batch: usize,
    seq: usize,
    n_heads: usize,
    /// (B, T, C)
    tok_emb: Array3<f32>,
    /// (T, C)
    pos_emb: Array2<f32>,
    /// (B, T, C), in training only
    emb_mask: Option<Array3<f32>>,
    /// (B, T, C): the first block's input
    x0: Array3<f32>,
    blocks: Vec<BlockActs>,
    /// (N, C)
    final_norm: LayerNormActs,
    /// (B, T, V)
    logits: Array3<f32>,
    /// (B, T, V)
    probs: Option<Array3<f32>>,
    loss: Option<Array0<f32>>,
    /// dropout p used in this pass, None in eval
    drop_rate: Option<f32>,
}

impl ForwardPass {
    /// (B, T, V) logits
    pub fn logits(&self) -> ArrayView3<'_, f32> {
        self.logits.view()
    }

    /// (B, T, V) softmax of the logits, when this pass kept them
    pub fn probs(&self) -> Option<ArrayView3<'_, f32>> {
        self.probs.as_ref().map(|p| p.view())
    }

    /// The mean cross-entropy, when targets were given
    pub fn loss(&self) -> Option<f32> {
        self.loss.as_ref().map(|l| l[()])
    }

    /// Every kept tensor with its path, in computation order.
    pub fn entries(&self) -> Vec<(String, ArrayViewD<'_, f32>)> {
        let (b, t) = (self.batch, self.seq);
        let h = self.n_heads;
        fn btc(a: &Array2<f32>, b: usize, t: usize) -> ArrayViewD<'_, f32> {
            a.view()
                .into_shape_with_order(IxDyn(&[b, t, a.ncols()]))
                .expect("rows are B·T")
        }
        fn bt(a: &ndarray::Array1<f32>, b: usize, t: usize) -> ArrayViewD<'_, f32> {
            a.view()
                .into_shape_with_order(IxDyn(&[b, t]))
                .expect("rows are B·T")
        }
        /// third `which` (0 = q, 1 = k, 2 = v) of the fused (B, T, 3C) as (B, H, T, d_head)
        fn heads(qkv: &Array3<f32>, which: usize, h: usize) -> ArrayViewD<'_, f32> {
            let (b, t, c3) = qkv.dim();
            let c = c3 / 3;
            let hd = c / h;
            // split the last axis into (H, d_head) through strides: no copy
            let shape =
                ndarray::ShapeBuilder::strides(IxDyn(&[b, h, t, hd]), IxDyn(&[t * c3, hd, c3, 1]));
            ArrayViewD::from_shape(
                shape,
                &qkv.as_slice().expect("standard layout")[which * c..],
            )
            .expect("head view stays inside the buffer")
        }
        let mut out: Vec<(String, ArrayViewD<'_, f32>)> = vec![
            ("tok_emb.out".into(), self.tok_emb.view().into_dyn()),
            ("pos_emb.out".into(), self.pos_emb.view().into_dyn()),
        ];
        if let Some(m) = &self.emb_mask {
            out.push(("drop_emb.dropout_mask".into(), m.view().into_dyn()));
        }
        out.push(("drop_emb.out".into(), self.x0.view().into_dyn()));
        for (i, blk) in self.blocks.iter().enumerate() {
            let p = format!("trf_blocks.{i}");
            let mut items: Vec<(&str, ArrayViewD<'_, f32>)> = Vec::new();
            let mut push = |name: &'static str, a| items.push((name, a));
            push("norm1.out", btc(&blk.norm1.out, b, t));
            push("norm1.mean", bt(&blk.norm1.mean, b, t));
            push("norm1.rstd", bt(&blk.norm1.rstd, b, t));
            push("att.queries", heads(&blk.att.qkv, 0, h));
            push("att.keys", heads(&blk.att.qkv, 1, h));
            push("att.values", heads(&blk.att.qkv, 2, h));
            if let Some(s) = &blk.att.scores {
                push("att.scores", s.view().into_dyn());
            }
            if let Some(s) = &blk.att.masked_scores {
                push("att.masked_scores", s.view().into_dyn());
            }
            if let Some(w) = &blk.att.weights {
                push("att.weights", w.view().into_dyn());
            }
            if let Some(m) = &blk.att.dropout_mask {
                push("att.dropout_mask", m.view().into_dyn());
            }
            if let Some(d) = &blk.att.dropped_weights {
                push("att.dropped_weights", d.view().into_dyn());
            }
            push("att.context", blk.att.context.view().into_dyn());
            push("att.out", blk.att.out.view().into_dyn());
            if let Some(m) = &blk.shortcut1_mask {
                push("shortcut1.dropout_mask", m.view().into_dyn());
            }
            push("shortcut1.out", blk.shortcut1_out.view().into_dyn());
            push("norm2.out", btc(&blk.norm2.out, b, t));
            push("norm2.mean", bt(&blk.norm2.mean, b, t));
            push("norm2.rstd", bt(&blk.norm2.rstd, b, t));
            push("ff.hidden", btc(&blk.ff.hidden, b, t));
            push("ff.gelu", btc(&blk.ff.gelu, b, t));
            push("ff.out", btc(&blk.ff.out, b, t));
            if let Some(m) = &blk.shortcut2_mask {
                push("shortcut2.dropout_mask", m.view().into_dyn());
            }
            push("out", blk.out.view().into_dyn());
            out.extend(
                items
                    .into_iter()
                    .map(|(name, a)| (format!("{p}.{name}"), a)),
            );
        }
        out.push(("final_norm.out".into(), btc(&self.final_norm.out, b, t)));
        out.push(("final_norm.mean".into(), bt(&self.final_norm.mean, b, t)));
        out.push(("final_norm.rstd".into(), bt(&self.final_norm.rstd, b, t)));
        out.push(("logits".into(), self.logits.view().into_dyn()));
        if let Some(p) = &self.probs {
            out.push(("probs".into(), p.view().into_dyn()));
        }
        if let Some(l) = &self.loss {
            out.push(("loss".into(), l.view().into_dyn()));
        }
        out
    }

    /// One kept tensor by path, e.g. `trf_blocks.0.att.weights` (B, H, T, T).
    pub fn get(&self, path: &str) -> Option<ArrayViewD<'_, f32>> {
        self.entries()
            .into_iter()
            .find(|(p, _)| p == path)
            .map(|(_, a)| a)
    }

    /// Every path this pass kept, in computation order.
    pub fn paths(&self) -> Vec<String> {
        self.entries().into_iter().map(|(p, _)| p).collect()
    }
}

/// The GPT model: configuration, parameters, and the thread pool its work runs on.
#[derive(Clone)]
pub struct Gpt {
    cfg: GptConfig,
    params: GptParams,
    pool: Arc<rayon::ThreadPool>,
    /// One single-thread pool per thread, for `logits`, which splits a batch between them.
    lanes: Vec<Arc<rayon::ThreadPool>>,
}

impl std::fmt::Debug for Gpt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpt")
            .field("cfg", &self.cfg)
            .field("threads", &self.pool.current_num_threads())
            .finish_non_exhaustive()
    }
}

fn build_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, EngineError> {
    if threads == 0 {
        return Err(EngineError::Invalid("threads must be at least 1".into()));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("engine-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| EngineError::Invalid(format!("cannot start {threads} engine threads: {e}")))
}

fn build_lanes(threads: usize) -> Result<Vec<Arc<rayon::ThreadPool>>, EngineError> {
    (0..threads).map(|_| build_pool(1)).collect()
}

/// Dropout stream ids: one per dropout site, so each site draws its own mask.
fn stream_of(site: u64) -> u64 {
    site
}

impl Gpt {
    /// A model with PyTorch's default initialisation drawn from `seed`: embeddings N(0, 1), linear
    /// weights and biases U(-1/√in, 1/√in), layer norms scale 1 and shift 0. Uses all CPU threads.
    /// Also tunes the C allocator to keep freed memory (see `alloc::retain_freed_memory`).
    pub fn new(cfg: GptConfig, seed: u64) -> Result<Gpt, EngineError> {
        cfg.validate()?;
        super::alloc::retain_freed_memory();
        let mut params = GptParams::zeros(&cfg);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for (name, mut a) in params.entries_mut() {
            if name.ends_with(".scale") {
                a.fill(1.0);
            } else if name.ends_with(".shift") {
                a.fill(0.0);
            } else if name.starts_with("tok_emb") || name.starts_with("pos_emb") {
                a.iter_mut()
                    .for_each(|v| *v = StandardNormal.sample(&mut rng));
            } else {
                // a linear layer: fan_in is the weight's second axis; its bias shares the bound
                let fan_in = if name.ends_with(".weight") {
                    a.shape()[1]
                } else {
                    let c = cfg.emb_dim;
                    if name.contains("ff.layers.2") {
                        4 * c
                    } else {
                        c
                    }
                };
                let bound = 1.0 / (fan_in as f32).sqrt();
                let dist =
                    Uniform::new(-bound, bound).map_err(|e| EngineError::Invalid(e.to_string()))?;
                a.iter_mut().for_each(|v| *v = dist.sample(&mut rng));
            }
        }
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Ok(Gpt {
            cfg,
            params,
            pool: build_pool(threads)?,
            lanes: build_lanes(threads)?,
        })
    }

    /// Runs the model's work on `threads` threads. Results are bit-identical for any count.
    pub fn set_threads(&mut self, threads: usize) -> Result<(), EngineError> {
        self.pool = build_pool(threads)?;
        self.lanes = build_lanes(threads)?;
        Ok(())
    }

    /// The number of threads the model's work runs on.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    pub fn config(&self) -> &GptConfig {
        &self.cfg
    }

    /// The parameters, PyTorch layout.
    pub fn params(&self) -> &GptParams {
        &self.params
    }

    pub(crate) fn params_mut(&mut self) -> &mut GptParams {
        &mut self.params
    }

    pub(crate) fn pool(&self) -> Arc<rayon::ThreadPool> {
        self.pool.clone()
    }

    /// Every parameter with its PyTorch name, in the book's GPTModel state_dict order, PyTorch layout.
    pub fn named_parameters(&self) -> Vec<(String, ArrayD<f32>)> {
        self.params
            .entries()
            .into_iter()
            .map(|(n, a)| (n, a.to_owned()))
            .collect()
    }

    /// Replaces one parameter by name; the value must have the parameter's shape and be finite.
    pub fn set_parameter(&mut self, name: &str, value: ArrayViewD<f32>) -> Result<(), EngineError> {
        let mut entries = self.params.entries_mut();
        let (_, target) = entries
            .iter_mut()
            .find(|(n, _)| n == name)
            .ok_or_else(|| EngineError::UnknownParameter(name.to_string()))?;
        if target.shape() != value.shape() {
            return Err(EngineError::ParameterShape {
                name: name.to_string(),
                expected: target.shape().to_vec(),
                got: value.shape().to_vec(),
            });
        }
        check_finite(&format!("parameter `{name}`"), value.iter().copied())?;
        target.assign(&value);
        Ok(())
    }

    pub fn num_parameters(&self) -> usize {
        self.params.len()
    }

    fn check_ids(&self, what: &str, ids: ArrayView2<usize>) -> Result<(), EngineError> {
        let (b, t) = ids.dim();
        if b == 0 || t == 0 {
            return Err(EngineError::Invalid(format!(
                "{what} is empty ({b} rows of {t} tokens); give at least one token"
            )));
        }
        if t > self.cfg.context_length {
            return Err(EngineError::SequenceTooLong {
                len: t,
                context: self.cfg.context_length,
            });
        }
        if let Some(((row, pos), &id)) = ids
            .indexed_iter()
            .find(|&(_, &id)| id >= self.cfg.vocab_size)
        {
            return Err(EngineError::TokenOutOfRange {
                id,
                row,
                pos,
                vocab: self.cfg.vocab_size,
            });
        }
        Ok(())
    }

    /// input_ids: (B, T) -> every activation, with logits (B, T, V) and probs (B, T, V).
    pub fn forward(
        &self,
        input_ids: ArrayView2<usize>,
        mode: Mode,
    ) -> Result<ForwardPass, EngineError> {
        self.forward_detail(input_ids, mode, Detail::Full)
    }

    /// `forward`, keeping as much as `detail` says.
    pub fn forward_detail(
        &self,
        input_ids: ArrayView2<usize>,
        mode: Mode,
        detail: Detail,
    ) -> Result<ForwardPass, EngineError> {
        self.check_ids("input_ids", input_ids)?;
        self.pool.install(|| {
            let mut pass = self.forward_unchecked(input_ids, mode, detail, false)?;
            if detail == Detail::Full {
                let mut probs = pass.logits.clone();
                let v = self.cfg.vocab_size;
                probs
                    .as_slice_mut()
                    .expect("fresh array")
                    .chunks_mut(v)
                    .for_each(|row| softmax_row_in_place(row, v, 1.0));
                pass.probs = Some(probs);
            }
            Ok(pass)
        })
    }

    fn forward_unchecked(
        &self,
        ids: ArrayView2<usize>,
        mode: Mode,
        detail: Detail,
        for_backward: bool,
    ) -> Result<ForwardPass, EngineError> {
        let (b, t) = ids.dim();
        let keep = match (detail, for_backward) {
            (Detail::Full, _) => Keep::All,
            (Detail::Lean, true) => Keep::ForBackward,
            (Detail::Lean, false) => Keep::ContextOnly,
        };
        let cfg = &self.cfg;
        let (c, v, n) = (cfg.emb_dim, cfg.vocab_size, b * t);
        let p = cfg.drop_rate;
        let seed = match mode {
            Mode::Train { seed } if p > 0.0 => Some(seed),
            _ => None,
        };
        let key = |site: u64| seed.map(|s| stream_key(s, stream_of(site)));
        // embeddings: x0 = drop(tok_emb[ids] + pos_emb[0..T])
        let mut tok = Array3::<f32>::zeros((b, t, c));
        for ((bi, ti), &id) in ids.indexed_iter() {
            tok.slice_mut(ndarray::s![bi, ti, ..])
                .assign(&self.params.tok_emb.row(id));
        }
        let pos = self.params.pos_emb.slice(ndarray::s![..t, ..]).to_owned();
        let mut x0 = &tok + &pos;
        let emb_mask = key(0).map(|k| {
            let mask =
                Array3::from_shape_vec((b, t, c), super::dropout::keep_mask(b * t * c, p, k))
                    .expect("mask has B·T·C values");
            let keep_scale = 1.0 / (1.0 - p);
            zip_for_each!(
                Zip::from(&mut x0).and(&mask),
                b * t * c,
                |x: &mut f32, &m: &f32| { *x *= m * keep_scale }
            );
            mask
        });
        let mut blocks: Vec<BlockActs> = Vec::with_capacity(cfg.n_layers);
        for (i, block) in self.params.blocks.iter().enumerate() {
            let site = 1 + 3 * i as u64;
            let dropout = seed.map(|_| BlockDropout {
                p,
                att_key: key(site).expect("training"),
                shortcut1_key: key(site + 1).expect("training"),
                shortcut2_key: key(site + 2).expect("training"),
            });
            let x = blocks.last().map(|a| a.out.view()).unwrap_or(x0.view());
            let acts = block_forward(x, block, cfg.n_heads, dropout, keep)?;
            blocks.push(acts);
        }
        let last = blocks.last().map(|a| a.out.view()).unwrap_or(x0.view());
        let last2 = last.into_shape_with_order((n, c)).expect("standard layout");
        let final_norm = layer_norm_forward(
            last2,
            self.params.final_norm.scale.view(),
            self.params.final_norm.shift.view(),
        )?;
        // logits = final · out_headᵀ, through a row-major copy of out_headᵀ (it packs faster)
        let out_head_t = self.params.out_head.t().as_standard_layout().into_owned();
        let logits = gemm_new(1.0, final_norm.out.view(), out_head_t.view())
            .into_shape_with_order((b, t, v))
            .expect("B·T rows");
        Ok(ForwardPass {
            batch: b,
            seq: t,
            n_heads: cfg.n_heads,
            tok_emb: tok,
            pos_emb: pos,
            emb_mask,
            x0,
            blocks,
            final_norm,
            logits,
            probs: None,
            loss: None,
            drop_rate: seed.map(|_| p),
        })
    }

    /// input_ids: (B, T) -> logits (B, T, V) in evaluation mode, keeping nothing else: the fastest
    /// way to run the model. The batch rows are split between the threads and each part runs
    /// whole on one thread, so the threads meet once per call instead of once per op. The bits are
    /// those of `forward` (every product splits rows at multiples of its tile height either way).
    pub fn logits(&self, input_ids: ArrayView2<usize>) -> Result<Array3<f32>, EngineError> {
        self.check_ids("input_ids", input_ids)?;
        let (b, t) = input_ids.dim();
        let lanes = self.lanes.len().min(b).max(1);
        if lanes == 1 {
            return self
                .pool
                .install(|| self.forward_unchecked(input_ids, Mode::Eval, Detail::Lean, false))
                .map(|p| p.logits);
        }
        let rows = b.div_ceil(lanes);
        let parts: Vec<Result<Array3<f32>, EngineError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = input_ids
                .axis_chunks_iter(Axis(0), rows)
                .zip(&self.lanes)
                .map(|(part, lane)| {
                    scope.spawn(move || {
                        lane.install(|| {
                            self.forward_unchecked(part, Mode::Eval, Detail::Lean, false)
                        })
                        .map(|p| p.logits)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(EngineError::Invalid("an engine thread panicked".into()))
                    })
                })
                .collect()
        });
        let parts = parts.into_iter().collect::<Result<Vec<_>, _>>()?;
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        let logits = ndarray::concatenate(Axis(0), &views)
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        debug_assert_eq!(logits.dim(), (b, t, self.cfg.vocab_size));
        Ok(logits)
    }

    /// Mean cross-entropy over all positions, every gradient, and the forward pass (with probs).
    pub fn loss_and_grads(
        &self,
        input_ids: ArrayView2<usize>,
        target_ids: ArrayView2<usize>,
        mode: Mode,
    ) -> Result<(f32, Gradients, ForwardPass), EngineError> {
        self.loss_and_grads_detail(input_ids, target_ids, mode, Detail::Full)
    }

    /// `loss_and_grads`, keeping as much as `detail` says (`Lean` drops the probabilities).
    pub fn loss_and_grads_detail(
        &self,
        input_ids: ArrayView2<usize>,
        target_ids: ArrayView2<usize>,
        mode: Mode,
        detail: Detail,
    ) -> Result<(f32, Gradients, ForwardPass), EngineError> {
        self.check_ids("input_ids", input_ids)?;
        if target_ids.dim() != input_ids.dim() {
            return Err(EngineError::Shape {
                what: "target_ids must have the shape of input_ids".into(),
                expected: input_ids.shape().to_vec(),
                got: target_ids.shape().to_vec(),
            });
        }
        self.check_ids("target_ids", target_ids)?;
        self.pool.install(|| {
            let mut pass = self.forward_unchecked(input_ids, mode, detail, true)?;
            let (b, t) = input_ids.dim();
            let (n, v) = (b * t, self.cfg.vocab_size);
            let targets = target_ids
                .as_standard_layout()
                .into_owned()
                .into_shape_with_order(n)
                .expect("standard layout");
            let mut dlogits = pass
                .logits
                .clone()
                .into_shape_with_order((n, v))
                .expect("standard layout");
            let loss = softmax_nll_rows(&mut dlogits, targets.view());
            if detail == Detail::Full {
                pass.probs = Some(
                    dlogits
                        .clone()
                        .into_shape_with_order((b, t, v))
                        .expect("B·T rows"),
                );
            }
            probs_to_dlogits(&mut dlogits, targets.view());
            pass.loss = Some(Array0::from_elem((), loss));
            let grads = self.backward(input_ids, &pass, dlogits)?;
            Ok((loss, grads, pass))
        })
    }

    /// dlogits: (N, V) -> every parameter gradient, through the kept activations.
    fn backward(
        &self,
        ids: ArrayView2<usize>,
        pass: &ForwardPass,
        dlogits: Array2<f32>,
    ) -> Result<Gradients, EngineError> {
        let (b, t) = ids.dim();
        let (n, c) = (b * t, self.cfg.emb_dim);
        let mut g = GptParams::zeros(&self.cfg);
        // output head: logits = final · out_headᵀ
        gemm(
            1.0,
            dlogits.t(),
            pass.final_norm.out.view(),
            0.0,
            g.out_head.view_mut(),
        );
        let dfinal = gemm_new(1.0, dlogits.view(), self.params.out_head.view());
        let last = pass
            .blocks
            .last()
            .map(|a| a.out.view())
            .unwrap_or(pass.x0.view());
        let ln = layer_norm_backward(
            dfinal.view(),
            last.into_shape_with_order((n, c)).expect("standard layout"),
            self.params.final_norm.scale.view(),
            pass.final_norm.mean.view(),
            pass.final_norm.rstd.view(),
        )?;
        g.final_norm = ln.params;
        let mut dx = ln.dx.into_shape_with_order((b, t, c)).expect("B·T rows");
        for i in (0..self.params.blocks.len()).rev() {
            let x = if i == 0 {
                pass.x0.view()
            } else {
                pass.blocks[i - 1].out.view()
            };
            let (dprev, grads) = block_backward(
                dx.view(),
                x,
                &self.params.blocks[i],
                &pass.blocks[i],
                pass.drop_rate,
            )?;
            g.blocks[i] = grads;
            dx = dprev;
        }
        if let (Some(mask), Some(p)) = (&pass.emb_mask, pass.drop_rate) {
            let keep_scale = 1.0 / (1.0 - p);
            Zip::from(&mut dx)
                .and(mask)
                .for_each(|d, &m| *d *= m * keep_scale);
        }
        // positions: sum over the batch; tokens: scatter-add rows in a fixed order
        for row in dx.axis_iter(Axis(0)) {
            let mut pos = g.pos_emb.slice_mut(ndarray::s![..t, ..]);
            pos += &row;
        }
        for ((bi, ti), &id) in ids.indexed_iter() {
            let mut dst = g.tok_emb.row_mut(id);
            dst += &dx.slice(ndarray::s![bi, ti, ..]);
        }
        Ok(Gradients { params: g })
    }
}
