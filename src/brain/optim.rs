//! The climbers: how a gradient becomes a step.
//!
//! With `g` the gradient, `k` the 0-based step, `t = k + 1`, and `lr_k` the
//! learning rate at step `k` (constant, or `lr·(1 − k/N)` for linear decay):
//!
//! ```text
//! m  = β1·m + (1 − β1)·g          (momentum: the running mean of gradients)
//! v  = β2·v + (1 − β2)·g²         (the running mean of squared gradients)
//! m̂  = m / (1 − β1ᵗ)              (bias correction: m and v start at zero)
//! v̂  = v / (1 − β2ᵗ)
//!
//! SGD       step = lr_k · g
//! Momentum  step = lr_k · m̂
//! RMSProp   step = lr_k · g / (√v̂ + ε)
//! Adam      step = lr_k · m̂ / (√v̂ + ε)
//! AdamW     step = lr_k · (m̂ / (√v̂ + ε) + λ·w)
//! w = w − step
//! ```
//! With bias correction off, m̂ = m and v̂ = v. Every climber keeps the same
//! m and v (zero when it does not use them), so the panels can show them side by side.

use serde::{Deserialize, Serialize};

use super::BrainError;
use super::formula::Formula;

/// The running mean of gradients, as the panels write it (see [`Optimizer::update`]).
pub const M: Formula = Formula { name: "m", text: "m = β1·m + (1 − β1)·g" };
/// The running mean of squared gradients.
pub const V: Formula = Formula { name: "v", text: "v = β2·v + (1 − β2)·g²" };
/// Bias correction: m and v start at zero.
pub const M_HAT: Formula = Formula { name: "m_hat", text: "m_hat = m / (1 − β1^t)" };
pub const V_HAT: Formula = Formula { name: "v_hat", text: "v_hat = v / (1 − β2^t)" };
/// Each climber's step, subtracted from the weight.
pub const STEP_SGD: Formula = Formula { name: "step_sgd", text: "step = lr·g" };
pub const STEP_MOMENTUM: Formula = Formula { name: "step_momentum", text: "step = lr·m_hat" };
pub const STEP_RMSPROP: Formula = Formula { name: "step_rmsprop", text: "step = lr·g / (√v_hat + ε)" };
pub const STEP_ADAM: Formula = Formula { name: "step_adam", text: "step = lr·m_hat / (√v_hat + ε)" };
pub const STEP_ADAMW: Formula =
    Formula { name: "step_adamw", text: "step = lr·(m_hat / (√v_hat + ε) + weight_decay·w)" };
/// The learning rate at step k of N under [`Schedule::Linear`].
pub const LINEAR_DECAY: Formula = Formula { name: "linear_decay", text: "lr_k = lr·(1 − k/N)" };

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    #[serde(rename = "rmsprop")]
    RmsProp,
    #[default]
    Adam,
    #[serde(rename = "adamw")]
    AdamW,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 5] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::RmsProp,
        OptimizerKind::Adam,
        OptimizerKind::AdamW,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::RmsProp => "rmsprop",
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The climber's name as the panels write it.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::RmsProp => "RMSProp",
            OptimizerKind::Adam => "Adam",
            OptimizerKind::AdamW => "AdamW",
        }
    }

    /// Whether the climber keeps the running mean of gradients.
    pub const fn uses_m(self) -> bool {
        matches!(self, OptimizerKind::Momentum | OptimizerKind::Adam | OptimizerKind::AdamW)
    }

    /// Whether the climber keeps the running mean of squared gradients.
    pub const fn uses_v(self) -> bool {
        matches!(self, OptimizerKind::RmsProp | OptimizerKind::Adam | OptimizerKind::AdamW)
    }

    /// The step the climber subtracts from a weight, as the panels write it
    /// (the formula `Optimizer::update` computes).
    pub fn step_formula(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => STEP_SGD.text,
            OptimizerKind::Momentum => STEP_MOMENTUM.text,
            OptimizerKind::RmsProp => STEP_RMSPROP.text,
            OptimizerKind::Adam => STEP_ADAM.text,
            OptimizerKind::AdamW => STEP_ADAMW.text,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    Constant,
    /// `lr·(1 − k/N)`: from the full rate at step 0 to zero at step N.
    #[default]
    Linear,
}

impl Schedule {
    pub fn name(self) -> &'static str {
        match self {
            Schedule::Constant => "constant",
            Schedule::Linear => "linear",
        }
    }
}

/// A climber's settings. Defaults: microgpt's Adam.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerConfig {
    pub kind: OptimizerKind,
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// AdamW's decoupled weight decay λ (ignored by the others).
    pub weight_decay: f32,
    pub schedule: Schedule,
    pub bias_correction: bool,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        Self {
            kind: OptimizerKind::Adam,
            lr: 0.01,
            beta1: 0.85,
            beta2: 0.99,
            eps: 1e-8,
            weight_decay: 0.01,
            schedule: Schedule::Linear,
            bias_correction: true,
        }
    }
}

impl OptimizerConfig {
    pub fn validate(&self) -> Result<(), BrainError> {
        let bad = |name, value: f32, expected| {
            Err(BrainError::InvalidSetting { name, value: value.to_string(), expected })
        };
        if !(self.lr.is_finite() && self.lr >= 0.0) {
            return bad("learning rate", self.lr, "a finite number ≥ 0");
        }
        if !(0.0..1.0).contains(&self.beta1) {
            return bad("beta1", self.beta1, "a number in [0, 1)");
        }
        if !(0.0..1.0).contains(&self.beta2) {
            return bad("beta2", self.beta2, "a number in [0, 1)");
        }
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return bad("eps", self.eps, "a finite number > 0");
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad("weight decay", self.weight_decay, "a finite number ≥ 0");
        }
        Ok(())
    }

    /// The learning rate at 0-based step `k` of `total`.
    pub fn learning_rate_at(&self, k: usize, total: usize) -> f32 {
        match self.schedule {
            Schedule::Constant => self.lr,
            Schedule::Linear => {
                let left = (1.0 - k as f64 / total.max(1) as f64).max(0.0);
                (self.lr as f64 * left) as f32
            }
        }
    }

    /// Bias corrections `(1 − β1ᵗ, 1 − β2ᵗ)` after `t` updates (1 and 1 when off).
    pub fn bias_corrections(&self, t: usize) -> (f32, f32) {
        if !self.bias_correction {
            return (1.0, 1.0);
        }
        let t = t as f64;
        let c1 = 1.0 - libm::pow(self.beta1 as f64, t);
        let c2 = 1.0 - libm::pow(self.beta2 as f64, t);
        (c1 as f32, c2 as f32)
    }
}

/// What the climber knows about one weight after its latest step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightState {
    pub grad: f32,
    pub m: f32,
    pub v: f32,
    pub m_hat: f32,
    pub v_hat: f32,
    /// The change just subtracted from the weight.
    pub step: f32,
}

/// A climber with its memory (m, v) for every weight.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub config: OptimizerConfig,
    /// Steps the run is planned for (the linear schedule reaches 0 there).
    pub total_steps: usize,
    /// Updates applied so far.
    pub t: usize,
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    /// The step subtracted from each weight by the latest update.
    pub last_step: Vec<f32>,
    /// The learning rate of the latest update.
    pub last_lr: f32,
    /// The bias corrections `(1 − β1ᵗ, 1 − β2ᵗ)` the latest update divided by.
    pub last_corrections: (f32, f32),
    /// The climber that made the latest update (`None` before the first): the
    /// memory on show is its memory, whatever climber takes the next step.
    pub last_kind: Option<OptimizerKind>,
}

impl Optimizer {
    pub fn new(config: OptimizerConfig, n_params: usize, total_steps: usize) -> Self {
        Self {
            config,
            total_steps,
            t: 0,
            m: vec![0.0; n_params],
            v: vec![0.0; n_params],
            last_step: vec![0.0; n_params],
            last_lr: 0.0,
            last_corrections: (1.0, 1.0),
            last_kind: None,
        }
    }

    /// Applies one update to `w` with gradient `g`.
    pub fn update(&mut self, w: &mut [f32], g: &[f32]) {
        let cfg = self.config;
        let lr = cfg.learning_rate_at(self.t, self.total_steps);
        self.t += 1;
        self.last_lr = lr;
        let (c1, c2) = cfg.bias_corrections(self.t);
        self.last_corrections = (c1, c2);
        self.last_kind = Some(cfg.kind);
        let knobs = Knobs {
            lr,
            b1: cfg.beta1,
            one_minus_b1: 1.0 - cfg.beta1,
            b2: cfg.beta2,
            one_minus_b2: 1.0 - cfg.beta2,
            c1,
            c2,
            eps: cfg.eps,
            wd: cfg.weight_decay,
        };
        let n = w.len();
        let (g, m, v, step) = (&g[..n], &mut self.m[..n], &mut self.v[..n], &mut self.last_step[..n]);
        // One loop for every climber, compiled once per climber.
        match cfg.kind {
            OptimizerKind::Sgd => climb::<SGD>(&knobs, w, g, m, v, step),
            OptimizerKind::Momentum => climb::<MOMENTUM>(&knobs, w, g, m, v, step),
            OptimizerKind::RmsProp => climb::<RMSPROP>(&knobs, w, g, m, v, step),
            OptimizerKind::Adam => climb::<ADAM>(&knobs, w, g, m, v, step),
            OptimizerKind::AdamW => climb::<ADAMW>(&knobs, w, g, m, v, step),
        }
    }

    /// The climber's view of weight `i` after the latest update, given the
    /// gradient it was fed (m_hat and v_hat with the corrections that update used).
    pub fn weight_state(&self, i: usize, grad: f32) -> WeightState {
        let (c1, c2) = self.last_corrections;
        WeightState {
            grad,
            m: self.m[i],
            v: self.v[i],
            m_hat: self.m[i] / c1,
            v_hat: self.v[i] / c2,
            step: self.last_step[i],
        }
    }
}

/// What one update's arithmetic needs, in f32 exactly as the step computes it.
#[derive(Clone, Copy)]
struct Knobs {
    lr: f32,
    b1: f32,
    one_minus_b1: f32,
    b2: f32,
    one_minus_b2: f32,
    c1: f32,
    c2: f32,
    eps: f32,
    wd: f32,
}

/// The climbers as the update loop's const parameter.
const SGD: u8 = OptimizerKind::Sgd as u8;
const MOMENTUM: u8 = OptimizerKind::Momentum as u8;
const RMSPROP: u8 = OptimizerKind::RmsProp as u8;
const ADAM: u8 = OptimizerKind::Adam as u8;
const ADAMW: u8 = OptimizerKind::AdamW as u8;

/// The climber a const parameter names.
const fn climber(kind: u8) -> OptimizerKind {
    match kind {
        SGD => OptimizerKind::Sgd,
        MOMENTUM => OptimizerKind::Momentum,
        RMSPROP => OptimizerKind::RmsProp,
        ADAM => OptimizerKind::Adam,
        _ => OptimizerKind::AdamW,
    }
}

/// The update of every weight, as the formula table at the top reads: m and
/// m̂ only for climbers that keep the mean of gradients, v and v̂ only for
/// those that keep the mean of squares, and the step each climber takes.
/// Compiled once per climber (`KIND`), so each is straight-line vector code
/// (sqrt and division are exact in IEEE arithmetic: vectorising changes no bit).
#[inline(always)]
fn climb<const KIND: u8>(
    k: &Knobs,
    w: &mut [f32],
    g: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    step: &mut [f32],
) {
    let (uses_m, uses_v) = (climber(KIND).uses_m(), climber(KIND).uses_v());
    let n = w.len();
    let (g, m, v, step) = (&g[..n], &mut m[..n], &mut v[..n], &mut step[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let first = simd::climb::<KIND>(k, w, g, m, v, step);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let first = 0;
    for i in first..n {
        let mut m_hat = 0.0;
        let mut v_hat = 0.0;
        if uses_m {
            m[i] = k.b1 * m[i] + k.one_minus_b1 * g[i];
            m_hat = m[i] / k.c1;
        }
        if uses_v {
            v[i] = k.b2 * v[i] + k.one_minus_b2 * g[i] * g[i];
            v_hat = v[i] / k.c2;
        }
        step[i] = match KIND {
            SGD => k.lr * g[i],
            MOMENTUM => k.lr * m_hat,
            RMSPROP => k.lr * g[i] / (v_hat.sqrt() + k.eps),
            ADAM => k.lr * m_hat / (v_hat.sqrt() + k.eps),
            _ => k.lr * (m_hat / (v_hat.sqrt() + k.eps) + k.wd * w[i]),
        };
        w[i] -= step[i];
    }
}

/// [`climb`] four weights at a time in WebAssembly SIMD: the same operations
/// in the same order (IEEE division and square root, no fused multiply-add),
/// so the same bits, vectorised whatever the optimiser of the final link does
/// (the browser build links the game for size). Returns where the scalar
/// loop takes over (the last `n mod 4` weights).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::super::math::simd::{load, store};
    use super::{ADAM, Knobs, MOMENTUM, RMSPROP, SGD, climber};

    #[inline(always)]
    pub(super) fn climb<const KIND: u8>(
        k: &Knobs,
        w: &mut [f32],
        g: &[f32],
        m: &mut [f32],
        v: &mut [f32],
        step: &mut [f32],
    ) -> usize {
        let (uses_m, uses_v) = (climber(KIND).uses_m(), climber(KIND).uses_v());
        let splat = f32x4_splat;
        let (lr, b1, one_b1, b2, one_b2) =
            (splat(k.lr), splat(k.b1), splat(k.one_minus_b1), splat(k.b2), splat(k.one_minus_b2));
        let (c1, c2, eps, wd) = (splat(k.c1), splat(k.c2), splat(k.eps), splat(k.wd));
        let whole = w.len() - w.len() % 4;
        let mut i = 0;
        while i < whole {
            let gi = load(g, i);
            let mut m_hat = splat(0.0);
            let mut v_hat = splat(0.0);
            if uses_m {
                let mi = f32x4_add(f32x4_mul(b1, load(m, i)), f32x4_mul(one_b1, gi));
                store(m, i, mi);
                m_hat = f32x4_div(mi, c1);
            }
            if uses_v {
                let vi = f32x4_add(f32x4_mul(b2, load(v, i)), f32x4_mul(f32x4_mul(one_b2, gi), gi));
                store(v, i, vi);
                v_hat = f32x4_div(vi, c2);
            }
            let s = match KIND {
                SGD => f32x4_mul(lr, gi),
                MOMENTUM => f32x4_mul(lr, m_hat),
                RMSPROP => f32x4_div(f32x4_mul(lr, gi), f32x4_add(f32x4_sqrt(v_hat), eps)),
                ADAM => f32x4_div(f32x4_mul(lr, m_hat), f32x4_add(f32x4_sqrt(v_hat), eps)),
                _ => f32x4_mul(
                    lr,
                    f32x4_add(f32x4_div(m_hat, f32x4_add(f32x4_sqrt(v_hat), eps)), f32x4_mul(wd, load(w, i))),
                ),
            };
            store(step, i, s);
            store(w, i, f32x4_sub(load(w, i), s));
            i += 4;
        }
        whole
    }
}
