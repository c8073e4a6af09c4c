//! Optimisers that step a Gpt with its Gradients: AdamW (PyTorch's semantics) and plain SGD.

use super::error::EngineError;
use super::model::{Gpt, Gradients};
use rayon::prelude::*;

/// Something that updates a model's parameters from their gradients.
pub trait Optimizer {
    fn step(&mut self, model: &mut Gpt, grads: &Gradients) -> Result<(), EngineError>;
}

/// Elements per unit of parallel work in optimiser updates.
const CHUNK: usize = 4096;

fn check_grads(model: &Gpt, grads: &Gradients) -> Result<(), EngineError> {
    let (p, g) = (model.params().entries(), grads.params.entries());
    if p.len() != g.len() {
        return Err(EngineError::Invalid(
            "gradients do not belong to this model (parameter count differs)".into(),
        ));
    }
    for ((name, a), (_, b)) in p.iter().zip(&g) {
        if a.shape() != b.shape() {
            return Err(EngineError::ParameterShape {
                name: format!("grad.{name}"),
                expected: a.shape().to_vec(),
                got: b.shape().to_vec(),
            });
        }
    }
    Ok(())
}

/// AdamW as torch.optim.AdamW applies it to `model.parameters()`: decoupled weight decay on every
/// parameter, then Adam with bias correction.
#[derive(Clone, Debug)]
pub struct AdamW {
    pub lr: f32,
    pub betas: (f32, f32),
    pub eps: f32,
    pub weight_decay: f32,
    step: u32,
    /// first and second moments, one flat vector per parameter in `named_parameters` order
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl AdamW {
    pub fn new(lr: f32, betas: (f32, f32), eps: f32, weight_decay: f32) -> AdamW {
        AdamW {
            lr,
            betas,
            eps,
            weight_decay,
            step: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u32 {
        self.step
    }
}

impl Optimizer for AdamW {
    fn step(&mut self, model: &mut Gpt, grads: &Gradients) -> Result<(), EngineError> {
        check_grads(model, grads)?;
        if self.m.is_empty() {
            let sizes: Vec<usize> = grads
                .params
                .entries()
                .iter()
                .map(|(_, a)| a.len())
                .collect();
            self.m = sizes.iter().map(|&n| vec![0.0; n]).collect();
            self.v = sizes.iter().map(|&n| vec![0.0; n]).collect();
        }
        self.step += 1;
        let (b1, b2) = self.betas;
        let bias1 = 1.0 - b1.powi(self.step as i32);
        let bias2_sqrt = (1.0 - b2.powi(self.step as i32)).sqrt();
        let step_size = self.lr / bias1;
        let decay = 1.0 - self.lr * self.weight_decay;
        let eps = self.eps;
        let pool = model.pool();
        let g_entries = grads.params.entries();
        let mut p_entries = model.params_mut().entries_mut();
        pool.install(|| {
            for (((_, p), (_, g)), (m, v)) in p_entries
                .iter_mut()
                .zip(&g_entries)
                .zip(self.m.iter_mut().zip(self.v.iter_mut()))
            {
                let p = p.as_slice_mut().expect("parameters are contiguous");
                let g = g.as_slice().expect("gradients are contiguous");
                p.par_chunks_mut(CHUNK)
                    .zip(g.par_chunks(CHUNK))
                    .zip(m.par_chunks_mut(CHUNK).zip(v.par_chunks_mut(CHUNK)))
                    .for_each(|((p, g), (m, v))| {
                        for i in 0..p.len() {
                            p[i] *= decay;
                            m[i] += (g[i] - m[i]) * (1.0 - b1);
                            v[i] = v[i] * b2 + g[i] * g[i] * (1.0 - b2);
                            let denom = v[i].sqrt() / bias2_sqrt + eps;
                            p[i] -= step_size * m[i] / denom;
                        }
                    });
            }
        });
        Ok(())
    }
}

/// Plain stochastic gradient descent: p -= lr · g.
#[derive(Clone, Debug)]
pub struct Sgd {
    pub lr: f32,
}

impl Sgd {
    pub fn new(lr: f32) -> Sgd {
        Sgd { lr }
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, model: &mut Gpt, grads: &Gradients) -> Result<(), EngineError> {
        check_grads(model, grads)?;
        let lr = self.lr;
        let g_entries = grads.params.entries();
        for ((_, mut p), (_, g)) in model.params_mut().entries_mut().into_iter().zip(&g_entries) {
            p.zip_mut_with(g, |p, &g| *p -= lr * g);
        }
        Ok(())
    }
}
