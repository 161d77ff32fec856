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
use super::lanes::{F32x4, F64x2, Lanes, Mask4, SUBNORMAL_BITS, is_subnormal, is_zero};
pub use super::subnormals::Subnormals;

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
    /// How the update treats subnormal numbers: the processor's choice. The
    /// bits are the same either way; only the time differs.
    pub subnormals: Subnormals,
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
            subnormals: Subnormals::of_this_processor(),
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
            c1_is_one: c1 == 1.0,
            c2_is_one: c2 == 1.0,
        };
        let n = w.len();
        let slices = Slices {
            w,
            g: &g[..n],
            m: &mut self.m[..n],
            v: &mut self.v[..n],
            step: &mut self.last_step[..n],
        };
        // One loop for every climber, compiled once per climber.
        let care = self.subnormals;
        match cfg.kind {
            OptimizerKind::Sgd => climb_corrected::<SGD>(&knobs, care, slices),
            OptimizerKind::Momentum => climb_corrected::<MOMENTUM>(&knobs, care, slices),
            OptimizerKind::RmsProp => climb_corrected::<RMSPROP>(&knobs, care, slices),
            OptimizerKind::Adam => climb_corrected::<ADAM>(&knobs, care, slices),
            OptimizerKind::AdamW => climb_corrected::<ADAMW>(&knobs, care, slices),
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

/// What one update's arithmetic needs, in f32 exactly as the step computes
/// it: one number per knob, or four side by side ([`Lanes`]).
#[derive(Clone, Copy)]
struct Knobs<L> {
    lr: L,
    b1: L,
    one_minus_b1: L,
    b2: L,
    one_minus_b2: L,
    c1: L,
    c2: L,
    eps: L,
    wd: L,
    /// Whether c1 (c2) is exactly 1, so that the update leaves its division
    /// out (see [`climb_corrected`]).
    c1_is_one: bool,
    c2_is_one: bool,
}

impl Knobs<f32> {
    /// Every knob in every lane.
    fn lanes<L: Lanes>(&self) -> Knobs<L> {
        Knobs {
            lr: L::splat(self.lr),
            b1: L::splat(self.b1),
            one_minus_b1: L::splat(self.one_minus_b1),
            b2: L::splat(self.b2),
            one_minus_b2: L::splat(self.one_minus_b2),
            c1: L::splat(self.c1),
            c2: L::splat(self.c2),
            eps: L::splat(self.eps),
            wd: L::splat(self.wd),
            c1_is_one: self.c1_is_one,
            c2_is_one: self.c2_is_one,
        }
    }
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

/// What one update walks: the weights, their gradients, m and v, and the
/// steps it takes, each as long as the weights.
struct Slices<'a> {
    w: &'a mut [f32],
    g: &'a [f32],
    m: &'a mut [f32],
    v: &'a mut [f32],
    step: &'a mut [f32],
}

/// One weight after its update (or four side by side).
#[derive(Clone, Copy)]
struct Climbed<L> {
    m: L,
    v: L,
    step: L,
    w: L,
}

/// The update of one weight (or four side by side), as the formula table at
/// the top reads: m and m̂ only for climbers that keep the mean of gradients,
/// v and v̂ only for those that keep the mean of squares, and the step each
/// climber takes. `resting` lanes take `resting_lr_m_hat` for `lr·m̂` (see
/// [`Rest`]); for one f32 it is `false`.
#[inline(always)]
fn climb_one<L: Lanes, const KIND: u8, const DIVIDE_M: bool, const DIVIDE_V: bool>(
    k: &Knobs<L>,
    g: L,
    m: L,
    v: L,
    w: L,
    resting: Option<(L::Mask, L)>,
) -> Climbed<L> {
    let zero = L::splat(0.0);
    let (mut m, mut m_hat, mut v, mut v_hat) = (m, zero, v, zero);
    if climber(KIND).uses_m() {
        m = k.b1 * m + k.one_minus_b1 * g;
        m_hat = if DIVIDE_M { m / k.c1 } else { m };
    }
    if climber(KIND).uses_v() {
        v = k.b2 * v + k.one_minus_b2 * g * g;
        v_hat = if DIVIDE_V { v / k.c2 } else { v };
    }
    let lr_m_hat = || match resting {
        Some((resting, resting_lr_m_hat)) => L::select(resting, resting_lr_m_hat, k.lr * m_hat),
        None => k.lr * m_hat,
    };
    let step = match KIND {
        SGD => k.lr * g,
        MOMENTUM => lr_m_hat(),
        RMSPROP => k.lr * g / (v_hat.sqrt() + k.eps),
        ADAM => lr_m_hat() / (v_hat.sqrt() + k.eps),
        _ => k.lr * (m_hat / (v_hat.sqrt() + k.eps) + k.wd * w),
    };
    Climbed { m, v, step, w: w - step }
}

/// [`climb`] compiled for the bias corrections this update divides by: m̂ =
/// m / 1 is m, bit for bit, so once a correction is exactly 1 (from about
/// step 110 for β1 = 0.85, 1,700 for β2 = 0.99, and always without bias
/// correction) its division is left out of the loop altogether, rather
/// than done and thrown away.
#[inline(always)]
fn climb_corrected<const KIND: u8>(k: &Knobs<f32>, care: Subnormals, slices: Slices<'_>) {
    let divide_m = climber(KIND).uses_m() && !k.c1_is_one;
    let divide_v = climber(KIND).uses_v() && !k.c2_is_one;
    match (care, divide_m, divide_v) {
        (Subnormals::Avoided, false, false) => climb::<KIND, false, false>(k, slices),
        (Subnormals::Avoided, true, false) => climb::<KIND, true, false>(k, slices),
        (Subnormals::Avoided, false, true) => climb::<KIND, false, true>(k, slices),
        (Subnormals::Avoided, true, true) => climb::<KIND, true, true>(k, slices),
        (Subnormals::Computed, false, false) => climb_as_written::<KIND, false, false>(k, slices),
        (Subnormals::Computed, true, false) => climb_as_written::<KIND, true, false>(k, slices),
        (Subnormals::Computed, false, true) => climb_as_written::<KIND, false, true>(k, slices),
        (Subnormals::Computed, true, true) => climb_as_written::<KIND, true, true>(k, slices),
    }
}

/// The update of every weight, four at a time ([`F32x4`]; the last `n mod 4`
/// one by one), with the same operations in the same order as one by one.
///
/// Four weights whose m and v hold no subnormal number (nor an m near one)
/// take the formula as it is. (So does a subnormal gradient, which the runs
/// have not been seen to make: exactly, if slowly.) Where m or v does, the
/// arithmetic on it would cost a microcode assist for every operation, and a weight whose gradient stays
/// exactly zero (a letter's row while names without that letter are read,
/// an MLP unit that is off) decays its m into the subnormals and stays there
/// for good: β1·m rounds back to m for the smallest ones. So in those four:
/// the subnormal inputs are replaced by zeros for the arithmetic; a resting
/// weight (see [`Rest`]) keeps its m (and v) and takes its `lr·m̂` as the
/// signed zero it is; any other lane with a subnormal is worked out exactly,
/// four at a time by [`climb_tiny`] where it can, else alone by
/// [`climb_subnormal`], else by the formula as it is.
#[inline(always)]
fn climb<const KIND: u8, const DIVIDE_M: bool, const DIVIDE_V: bool>(k: &Knobs<f32>, slices: Slices<'_>) {
    let (uses_m, uses_v) = (climber(KIND).uses_m(), climber(KIND).uses_v());
    let rest = Rest::of::<KIND>(k);
    let near_m = near_subnormal_m(k.lr);
    let k4: Knobs<F32x4> = k.lanes();
    let (in_lanes, wide) = (climbs_tiny_in_lanes::<KIND>(k), Wide::of(k));
    climb_fours::<KIND, DIVIDE_M, DIVIDE_V>(k, slices, |gi, mi, vi, wi| {
        // Sieved first, cheaply (a zero or a mean of 2 or more passes the
        // sieve too, and takes the careful way to the same bits).
        let sieve_m = if uses_m { mi.small_or_large(near_m) } else { Mask4::none() };
        let sieve_v = if uses_v { vi.small_or_large(SUBNORMAL_BITS) } else { Mask4::none() };
        if !(sieve_m | sieve_v).any() {
            climb_one::<F32x4, KIND, DIVIDE_M, DIVIDE_V>(&k4, gi, mi, vi, wi, None)
        } else {
            let tiny_m = if uses_m { mi.magnitude_within(1, near_m) } else { Mask4::none() };
            let tiny_v = if uses_v { vi.subnormal() } else { Mask4::none() };
            let still = gi.zero();
            let resting_m = tiny_m & still & mi.magnitude_within(1, rest.m);
            // (a negative v, which no update makes, has no square root: it never rests)
            let resting_v = tiny_v & still & vi.sign_clear() & vi.magnitude_within(1, rest.v);
            let alone = tiny_m.and_not(resting_m) | tiny_v.and_not(resting_v);
            let out = climb_one::<F32x4, KIND, DIVIDE_M, DIVIDE_V>(
                &k4,
                gi,
                mi.cleared(tiny_m),
                vi.cleared(tiny_v),
                wi,
                Some((resting_m, mi.signed_zero())),
            );
            let out = Climbed {
                m: F32x4::select(resting_m, mi, out.m),
                v: F32x4::select(resting_v, vi, out.v),
                ..out
            };
            let (out, alone) = if alone.any() && in_lanes {
                climb_tiny::<KIND>(&k4, &wide, gi, mi, vi, wi, tiny_m, tiny_v, alone, out)
            } else {
                (out, alone)
            };
            if alone.any() {
                let (ga, ma, va, wa) = (gi.to_array(), mi.to_array(), vi.to_array(), wi.to_array());
                let mut lanes = [out.m.to_array(), out.v.to_array(), out.step.to_array(), out.w.to_array()];
                for l in alone.lanes() {
                    let one = climb_subnormal::<KIND>(k, ga[l], ma[l], va[l], wa[l]).unwrap_or_else(|| {
                        climb_one::<f32, KIND, DIVIDE_M, DIVIDE_V>(k, ga[l], ma[l], va[l], wa[l], None)
                    });
                    for (lane, x) in lanes.iter_mut().zip([one.m, one.v, one.step, one.w]) {
                        lane[l] = x;
                    }
                }
                let [m4, v4, s4, w4] = lanes.map(|lane| F32x4::from_four(&lane));
                Climbed { m: m4, v: v4, step: s4, w: w4 }
            } else {
                out
            }
        }
    });
}

/// [`climb`] for a processor that works with subnormal numbers about as fast
/// as with normal ones: the formula as it is for every weight, four at a time.
#[inline(always)]
fn climb_as_written<const KIND: u8, const DIVIDE_M: bool, const DIVIDE_V: bool>(
    k: &Knobs<f32>,
    slices: Slices<'_>,
) {
    let k4: Knobs<F32x4> = k.lanes();
    climb_fours::<KIND, DIVIDE_M, DIVIDE_V>(k, slices, |gi, mi, vi, wi| {
        climb_one::<F32x4, KIND, DIVIDE_M, DIVIDE_V>(&k4, gi, mi, vi, wi, None)
    });
}

/// Every weight's update: `four` takes the gradients, m, v and weights of
/// four side by side and gives them climbed; the last `n mod 4` take the
/// formula one by one.
#[inline(always)]
fn climb_fours<const KIND: u8, const DIVIDE_M: bool, const DIVIDE_V: bool>(
    k: &Knobs<f32>,
    slices: Slices<'_>,
    mut four: impl FnMut(F32x4, F32x4, F32x4, F32x4) -> Climbed<F32x4>,
) {
    let Slices { w, g, m, v, step } = slices;
    debug_assert!([g.len(), m.len(), v.len(), step.len()].iter().all(|&n| n == w.len()));
    let (w4, w_tail) = w.as_chunks_mut::<4>();
    let (g4, g_tail) = g.as_chunks::<4>();
    let (m4, m_tail) = m.as_chunks_mut::<4>();
    let (v4, v_tail) = v.as_chunks_mut::<4>();
    let (s4, s_tail) = step.as_chunks_mut::<4>();
    let fours = w4.iter_mut().zip(g4).zip(m4.iter_mut()).zip(v4.iter_mut()).zip(s4.iter_mut());
    for ((((w, g), m), v), step) in fours {
        let out = four(F32x4::from_four(g), F32x4::from_four(m), F32x4::from_four(v), F32x4::from_four(w));
        out.m.into_four(m);
        out.v.into_four(v);
        out.step.into_four(step);
        out.w.into_four(w);
    }
    for i in 0..w_tail.len() {
        let one =
            climb_one::<f32, KIND, DIVIDE_M, DIVIDE_V>(k, g_tail[i], m_tail[i], v_tail[i], w_tail[i], None);
        (m_tail[i], v_tail[i], s_tail[i], w_tail[i]) = (one.m, one.v, one.step, one.w);
    }
}

/// The knobs [`climb_tiny`] multiplies by, exactly, in f64.
struct Wide {
    lr: F64x2,
    b1: F64x2,
    b2: F64x2,
}

impl Wide {
    fn of(k: &Knobs<f32>) -> Wide {
        let wide = |x: f32| F64x2::splat(x as f64);
        Wide { lr: wide(k.lr), b1: wide(k.b1), b2: wide(k.b2) }
    }
}

/// Whether [`climb_tiny`] can take this climber's tiny weights four at a
/// time: Momentum, RMSProp and Adam once their bias corrections are 1, with
/// a positive learning rate and an ε that swallows the root of any
/// subnormal v̂. Otherwise (and for AdamW) [`climb_subnormal`] takes them
/// one by one. Both give the same bits; the lanes are faster natively (about
/// 1 µs a step of the default run's 8) and in the browser's WebAssembly
/// (about 2% of a step in Chromium, measured), the portable arrays are not.
fn climbs_tiny_in_lanes<const KIND: u8>(k: &Knobs<f32>) -> bool {
    let kind = climber(KIND);
    (cfg!(target_arch = "x86_64") || cfg!(all(target_arch = "wasm32", target_feature = "simd128")))
        && matches!(KIND, MOMENTUM | RMSPROP | ADAM)
        && (!kind.uses_m() || k.c1_is_one)
        && (!kind.uses_v() || (k.c2_is_one && k.eps >= EPS_OVER_TINY_ROOTS && k.eps.is_finite()))
        && k.lr > 0.0
        && k.lr.is_finite()
}

/// The lanes of four weights that [`climb`] leaves `alone`, worked out side
/// by side as [`climb_subnormal`] works out one, where it can (see
/// [`climbs_tiny_in_lanes`]): the gradient is ±0, so m (v) becomes β1·m
/// (β2·v), an exact f64 product rounded once to f32 ([`F64x2`]); `lr·m̂`
/// likewise; Adam's step is that over √v̂ + ε (ε alone where v̂ is
/// subnormal), an f64 quotient rounded once (exact, see [`quotient`]); and a
/// subnormal step leaves a weight of at least 2⁻¹⁰⁰ as it is. Returns the
/// four with those lanes filled in, and the alone lanes it could not take: a
/// gradient that is not ±0, an m or v that decays to zero (its sign would
/// come from the gradient's), a negative v, an m or v that is infinite or
/// NaN, a subnormal step on a weight too small to swallow it.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn climb_tiny<const KIND: u8>(
    k: &Knobs<F32x4>,
    wide: &Wide,
    g: F32x4,
    m: F32x4,
    v: F32x4,
    w: F32x4,
    tiny_m: Mask4,
    tiny_v: Mask4,
    alone: Mask4,
    out: Climbed<F32x4>,
) -> (Climbed<F32x4>, Mask4) {
    let (uses_m, uses_v) = (climber(KIND).uses_m(), climber(KIND).uses_v());
    let zero = F32x4::splat(0.0);
    // |a|·b rounded to f32, for b ≥ 0.
    let product = |a: F32x4, b: F64x2| {
        let [low, high] = F64x2::magnitudes(a);
        F64x2::round_to_f32([low * b, high * b])
    };
    let mut left = alone.and_not(g.zero());
    let mut m1 = out.m;
    if uses_m {
        m1 = F32x4::select(tiny_m, product(m, wide.b1).with_sign_of(m), out.m);
        left = left | (tiny_m & m1.zero());
    }
    let mut v1 = out.v;
    if uses_v {
        v1 = F32x4::select(tiny_v, product(v, wide.b2), out.v);
        left = left | (tiny_v & v1.zero()) | alone.and_not(v.sign_clear());
    }
    // (an infinite or NaN mean, which a diverging run can make, is left to
    // the formula one by one: round_to_f32 takes finite numbers only)
    let finite = |x: F32x4| x.magnitude_within(0, 0x7f7f_ffff);
    left = left | alone.and_not(finite(m1) & finite(v1));
    // √v̂ + ε, with v̂ = v (its correction is 1): ε where v̂ is subnormal.
    let v_small = v1.subnormal();
    let denominator = F32x4::select(v_small, k.eps, F32x4::select(v_small, zero, v1).sqrt() + k.eps);
    let step = match KIND {
        MOMENTUM => product(m1, wide.lr).with_sign_of(m1),
        ADAM => {
            let ([n_low, n_high], [d_low, d_high]) =
                (F64x2::magnitudes(product(m1, wide.lr)), F64x2::magnitudes(denominator));
            F64x2::round_to_f32([n_low / d_low, n_high / d_high]).with_sign_of(m1)
        }
        _ => k.lr * g / denominator,
    };
    let step_small = step.subnormal();
    left = left | (alone & step_small).and_not(w.magnitude_within(SWALLOWS_FROM, 0x7f7f_ffff));
    let w1 = F32x4::select(step_small, w, w - F32x4::select(step_small, zero, step));
    let pick = |x, y| F32x4::select(alone, x, y);
    (Climbed { m: pick(m1, out.m), v: pick(v1, out.v), step: pick(step, out.step), w: pick(w1, out.w) }, left)
}

/// Which subnormal m and v an update leaves as they are, known from the
/// knobs alone (largest magnitudes as bits; 0: none).
///
/// With a gradient of ±0, `m = β1·m + (1 − β1)·g` is `β1·m + ±0`. For a
/// subnormal m = k·2⁻¹⁴⁹ the product rounds to a whole multiple of 2⁻¹⁴⁹:
/// back to m itself whenever k·(1 − β1) < ½. If also m̂ = m / 1 (the bias
/// correction has reached 1 in f32) and lr·k < ½, then `lr·m̂` rounds to the
/// zero of m's sign, and a step of Adam or Momentum is that zero divided by
/// the denominator (or the zero itself): m rests, and the weight's step is
/// known without a subnormal operation. Likewise v = k·2⁻¹⁴⁹ with k·(1 − β2)
/// < ½ stays v; with v̂ = v / 1 and ε ≥ 2⁻³⁸, √v̂ ≤ 2⁻⁶³ is under half a unit
/// of ε's last place, so √v̂ + ε is ε, as it is for v̂ = 0. AdamW's step
/// divides m̂ itself, which is not zero, so its m never rests.
#[derive(Clone, Copy)]
struct Rest {
    m: u32,
    v: u32,
}

impl Rest {
    fn of<const KIND: u8>(k: &Knobs<f32>) -> Rest {
        let kind = climber(KIND);
        let m = if kind.uses_m() && KIND != ADAMW && k.c1 == 1.0 {
            rounds_back(k.b1).min(rounds_to_zero(k.lr))
        } else {
            0
        };
        let v =
            if kind.uses_v() && k.c2 == 1.0 && k.eps >= EPS_OVER_TINY_ROOTS { rounds_back(k.b2) } else { 0 };
        Rest { m, v }
    }
}

/// The smallest ε that swallows the square root of any subnormal (≤ 2⁻⁶³).
const EPS_OVER_TINY_ROOTS: f32 = 1.0 / (1u64 << 38) as f32;

/// `x` as `(n, s)` with `x = ±n·2⁻ˢ` exactly, for a finite f32.
fn as_integer_times_power(x: f32) -> (u64, i32) {
    let bits = x.to_bits();
    let (exponent, fraction) = ((bits >> 23) & 0xff, bits & 0x7f_ffff);
    if exponent == 0 {
        (fraction as u64, 149)
    } else {
        ((fraction | 0x80_0000) as u64, 150 - exponent as i32)
    }
}

/// The largest k (at most the largest subnormal's) with k·(1 − b) < ½, so
/// that `b·(k·2⁻¹⁴⁹)` rounds back to k·2⁻¹⁴⁹ for every smaller k too.
fn rounds_back(b: f32) -> u32 {
    let (n, s) = as_integer_times_power(b);
    if !(b > 0.0 && b < 1.0) || s > 62 {
        return 0;
    }
    let one = 1u128 << s;
    let gap = one - n as u128; // (1 − b)·2ˢ, above 0
    (((one >> 1) - 1) / gap).min(SUBNORMAL_BITS as u128) as u32
}

/// The largest k (at most the largest subnormal's) with lr·k < ½, so that
/// `lr·(k·2⁻¹⁴⁹)` rounds to zero for every smaller k too. 0 for a negative lr.
fn rounds_to_zero(lr: f32) -> u32 {
    if lr.to_bits() == 0 {
        return SUBNORMAL_BITS;
    }
    let (n, s) = as_integer_times_power(lr);
    if lr.to_bits() >> 31 != 0 || !lr.is_finite() || s < 2 {
        return 0;
    }
    if s > 128 {
        return SUBNORMAL_BITS; // lr < 2⁻¹⁰⁵: lr·k < 2⁻⁸² for every subnormal k
    }
    let half = 1u128 << (s - 1);
    ((half - 1) / n as u128).min(SUBNORMAL_BITS as u128) as u32
}

/// An f32's value in f64, read from its bits when it is subnormal (so that
/// no subnormal f32 is ever an operand).
#[inline(always)]
fn exactly(x: f32) -> f64 {
    if !is_subnormal(x) {
        return x as f64;
    }
    let k = (x.to_bits() & SUBNORMAL_BITS) as f64 * F64x2::TINIEST;
    if x.to_bits() >> 31 != 0 { -k } else { k }
}

/// `y` rounded to f32 as an f32 operation whose exact result is `y` rounds
/// it: a normal result by conversion; a subnormal one to the nearest whole
/// multiple of 2⁻¹⁴⁹, ties to even, built from the bits (no subnormal f32
/// is produced by an operation).
#[inline(always)]
fn rounded(y: f64) -> f32 {
    if y.is_nan() || y.abs() >= f32::MIN_POSITIVE as f64 {
        return y as f32;
    }
    f32::from_bits(((y.to_bits() >> 32) as u32 & 0x8000_0000) | F64x2::tiniest_multiples(y.abs()))
}

/// `a·b` with f32's rounding, subnormal operands or result included. The
/// f64 product of two f32s is exact (24 + 24 bits), so it is rounded once.
#[inline(always)]
fn product(a: f32, b: f32) -> f32 {
    rounded(exactly(a) * exactly(b))
}

/// `a / b` with f32's rounding, subnormal operands or result included.
/// The f64 quotient is never on the other side of an f32 rounding boundary
/// than the exact one: for a normal result that is double rounding with
/// 53 ≥ 2·24 + 2 bits, innocuous for division. For a subnormal one, with a
/// boundary M = (2j + 1)·2⁻¹⁵⁰, a − M·b is zero (the quotient is M, exact in
/// f64) or at least min(ulp(a), 2⁻¹⁵⁰·ulp(b)); divided by |b| that is at
/// least 2⁻¹⁷⁴ or ulp(a)/|b|, both more than f64's error, under 2⁻⁵³ of a
/// quotient below 2⁻¹²⁶.
#[inline(always)]
fn quotient(a: f32, b: f32) -> f32 {
    rounded(exactly(a) / exactly(b))
}

/// Whether subtracting any subnormal from `w` leaves `w`: a finite w of at
/// least 2⁻¹⁰⁰, whose neighbours are at least 2⁻¹²⁴ away, so half the gap is
/// more than a subnormal.
#[inline(always)]
fn swallows_subnormals(w: f32) -> bool {
    let magnitude = w.to_bits() & 0x7fff_ffff;
    (SWALLOWS_FROM..0x7f80_0000).contains(&magnitude) // 2⁻¹⁰⁰ ≤ |w| < ∞
}

/// 2⁻¹⁰⁰ as bits: the smallest weight [`swallows_subnormals`].
const SWALLOWS_FROM: u32 = 0x0d80_0000;

/// One weight whose m or v is subnormal or near it (see [`near_subnormal_m`])
/// and does not rest, updated exactly without a subnormal f32 operation: m
/// or v decaying towards or through the subnormals, or woken by a gradient
/// that swallows it; `None` when it cannot be, and the formula as it is
/// takes it.
fn climb_subnormal<const KIND: u8>(k: &Knobs<f32>, g: f32, m: f32, v: f32, w: f32) -> Option<Climbed<f32>> {
    if is_subnormal(g) || (climber(KIND).uses_v() && v.to_bits() >> 31 != 0) {
        return None; // a negative v (no update makes one) has no square root
    }
    let (mut m1, mut m_hat, mut v1, mut v_hat) = (m, 0.0, v, 0.0);
    if climber(KIND).uses_m() {
        (m1, m_hat) = running_mean(k.b1, m, k.one_minus_b1 * g, k.c1)?;
    }
    if climber(KIND).uses_v() {
        (v1, v_hat) = running_mean(k.b2, v, k.one_minus_b2 * g * g, k.c2)?;
    }
    let denominator = || {
        if !is_subnormal(v_hat) {
            Some(v_hat.sqrt() + k.eps)
        } else {
            (k.eps >= EPS_OVER_TINY_ROOTS).then_some(k.eps)
        }
    };
    let step = match KIND {
        SGD => k.lr * g,
        MOMENTUM => product(k.lr, m_hat),
        RMSPROP => k.lr * g / denominator()?,
        ADAM => quotient(product(k.lr, m_hat), denominator()?),
        _ => {
            if is_subnormal(m_hat) {
                return None;
            }
            k.lr * (m_hat / denominator()? + k.wd * w)
        }
    };
    let w1 = if !is_subnormal(step) {
        w - step
    } else if swallows_subnormals(w) {
        w
    } else {
        return None;
    };
    Some(Climbed { m: m1, v: v1, step, w: w1 })
}

/// `x = β·x + fresh`, then `x̂ = x / c` (x itself when c is 1), for
/// [`climb_subnormal`]: a subnormal β·x plus a fresh term of at least 2⁻¹⁰⁰
/// is that term; `None` where a subnormal would still be an operand.
#[inline(always)]
fn running_mean(b: f32, x: f32, fresh: f32, correction: f32) -> Option<(f32, f32)> {
    let kept = product(b, x);
    let x = if is_zero(fresh) {
        Some(kept).filter(|x| !is_zero(*x))
    } else if !is_subnormal(kept) {
        Some(kept + fresh)
    } else {
        swallows_subnormals(fresh).then_some(fresh)
    }?;
    if !is_subnormal(x) {
        Some((x, if correction == 1.0 { x } else { x / correction }))
    } else {
        (correction == 1.0).then_some((x, x))
    }
}

/// The largest |m| (as bits) taken apart with the subnormals: below it
/// lr·m̂ would be subnormal (m̂ ≥ m), so the formula as it is would meet a
/// subnormal operand. 2⁻¹²⁵/lr, from just the subnormals (lr ≥ 1 or 0) to
/// at most 2⁻¹⁰⁰ (the last steps of a linear schedule leave the rest to it).
fn near_subnormal_m(lr: f32) -> u32 {
    if !(lr > 0.0 && lr < 1.0) {
        return SUBNORMAL_BITS;
    }
    let near = (f32::MIN_POSITIVE as f64 * 2.0 / lr as f64).min(1.0 / (1u128 << 100) as f64);
    (near as f32).to_bits()
}
