//! Each climber's update against values worked out by hand.
//!
//! Two weights w = [1, −2], lr 0.1, β1 0.9, β2 0.999, ε 1e-8, λ 0.1, fed the
//! gradients [0.5, −1], [−0.25, 0.3], [0.1, 0]; f32 holds these to about 1e-5
//! (0.999 is not exact in binary). For example Adam, first weight:
//!   step 1: m = 0.05, v = 0.00025, m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25,
//!           step = 0.1·0.5/(0.5 + 1e-8) ≈ 0.1                 → w = 0.9
//!   step 2: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
//!           m̂ = 0.02/0.19 = 0.105263, v̂ = 0.00031225/0.001999 = 0.156203,
//!           step = 0.1·0.105263/0.395225 = 0.026634         → w = 0.873366

use raw_weights::brain::{Optimizer, OptimizerConfig, OptimizerKind, Schedule, Subnormals};

const GRADS: [[f32; 2]; 3] = [[0.5, -1.0], [-0.25, 0.3], [0.1, 0.0]];

fn climb(config: OptimizerConfig, total_steps: usize) -> Vec<[f32; 2]> {
    let mut opt = Optimizer::new(config, 2, total_steps);
    let mut w = [1.0f32, -2.0];
    GRADS
        .iter()
        .map(|g| {
            opt.update(&mut w, g);
            w
        })
        .collect()
}

fn config(kind: OptimizerKind) -> OptimizerConfig {
    OptimizerConfig {
        kind,
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.1,
        schedule: Schedule::Constant,
        bias_correction: true,
    }
}

fn assert_path(got: &[[f32; 2]], want: &[[f64; 2]]) {
    for (step, (g, w)) in got.iter().zip(want).enumerate() {
        for i in 0..2 {
            assert!(
                (g[i] as f64 - w[i]).abs() < 1e-5,
                "step {}: weight {i} is {} but should be {}",
                step + 1,
                g[i],
                w[i]
            );
        }
    }
}

#[test]
fn sgd_steps_along_the_gradient() {
    let want = [[0.95, -1.9], [0.975, -1.93], [0.965, -1.93]];
    assert_path(&climb(config(OptimizerKind::Sgd), 3), &want);
}

#[test]
fn momentum_follows_the_bias_corrected_mean_gradient() {
    let want = [[0.95, -1.9], [0.939473684, -1.868421053], [0.929141581, -1.848494853]];
    assert_path(&climb(config(OptimizerKind::Momentum), 3), &want);
}

#[test]
fn rmsprop_divides_by_the_root_mean_square() {
    let want = [[0.9, -1.9], [0.963255047, -1.940645617], [0.932743974, -1.940645617]];
    assert_path(&climb(config(OptimizerKind::RmsProp), 3), &want);
}

#[test]
fn adam_matches_the_hand_worked_steps() {
    let want = [[0.9, -1.9], [0.873366299, -1.857215142], [0.841841943, -1.824142323]];
    assert_path(&climb(config(OptimizerKind::Adam), 3), &want);
}

#[test]
fn adamw_adds_decoupled_weight_decay() {
    let want = [[0.89, -1.88], [0.854466299, -1.818415142], [0.81439728, -1.767158171]];
    assert_path(&climb(config(OptimizerKind::AdamW), 3), &want);
}

#[test]
fn linear_schedule_decays_the_rate_to_zero() {
    // Planned for 4 steps: rates 0.1, 0.075, 0.05.
    let cfg = OptimizerConfig { schedule: Schedule::Linear, ..config(OptimizerKind::Adam) };
    let want = [[0.9, -1.9], [0.880024725, -1.867911357], [0.864262547, -1.851374947]];
    assert_path(&climb(cfg, 4), &want);
    assert_eq!(cfg.learning_rate_at(0, 4), 0.1);
    assert_eq!(cfg.learning_rate_at(2, 4), 0.05);
    assert_eq!(cfg.learning_rate_at(4, 4), 0.0);
    assert_eq!(cfg.learning_rate_at(9, 4), 0.0, "past the plan the rate stays at zero");
}

#[test]
fn without_bias_correction_early_steps_are_larger() {
    let cfg = OptimizerConfig { bias_correction: false, ..config(OptimizerKind::Adam) };
    let want = [[0.683772434, -1.683772334], [0.570590131, -1.501954207], [0.414537233, -1.338236014]];
    assert_path(&climb(cfg, 3), &want);
}

#[test]
fn the_climber_reports_m_v_and_their_corrections() {
    let mut opt = Optimizer::new(config(OptimizerKind::Adam), 2, 3);
    let mut w = [1.0f32, -2.0];
    opt.update(&mut w, &GRADS[0]);
    let s = opt.weight_state(0, GRADS[0][0]);
    assert_eq!(s.grad, 0.5);
    assert!((s.m - 0.05).abs() < 1e-7 && (s.v - 0.00025).abs() < 1e-8);
    assert!((s.m_hat - 0.5).abs() < 1e-6 && (s.v_hat - 0.25).abs() < 1e-6);
    assert!((s.step - 0.1).abs() < 1e-6);
    assert_eq!(w[0], 1.0 - s.step, "the reported step is the one applied");
}

#[test]
fn settings_out_of_range_are_refused() {
    for (lr, b1, b2, eps) in [
        (-0.1, 0.9, 0.99, 1e-8),
        (f32::NAN, 0.9, 0.99, 1e-8),
        (0.1, 1.0, 0.99, 1e-8),
        (0.1, 0.9, -0.1, 1e-8),
        (0.1, 0.9, 0.99, 0.0),
    ] {
        let cfg = OptimizerConfig { lr, beta1: b1, beta2: b2, eps, ..OptimizerConfig::default() };
        assert!(cfg.validate().is_err(), "lr {lr} β1 {b1} β2 {b2} ε {eps} must be refused");
    }
    assert!(OptimizerConfig::default().validate().is_ok());
}

/// The formula table at the top of `optim.rs`, one weight at a time in plain
/// f32: what every update must equal bit for bit, however it is computed.
fn by_the_table(
    cfg: &OptimizerConfig,
    lr: f32,
    (c1, c2): (f32, f32),
    g: f32,
    m: &mut f32,
    v: &mut f32,
    w: &mut f32,
) -> f32 {
    let (mut m_hat, mut v_hat) = (0.0, 0.0);
    if cfg.kind.uses_m() {
        *m = cfg.beta1 * *m + (1.0 - cfg.beta1) * g;
        m_hat = *m / c1;
    }
    if cfg.kind.uses_v() {
        *v = cfg.beta2 * *v + (1.0 - cfg.beta2) * g * g;
        v_hat = *v / c2;
    }
    let step = match cfg.kind {
        OptimizerKind::Sgd => lr * g,
        OptimizerKind::Momentum => lr * m_hat,
        OptimizerKind::RmsProp => lr * g / (v_hat.sqrt() + cfg.eps),
        OptimizerKind::Adam => lr * m_hat / (v_hat.sqrt() + cfg.eps),
        OptimizerKind::AdamW => lr * (m_hat / (v_hat.sqrt() + cfg.eps) + cfg.weight_decay * *w),
    };
    *w -= step;
    step
}

/// Numbers an update meets, subnormal ones above all: m and v resting at
/// the smallest subnormals (where β·x rounds back to x), decaying through
/// them, signed zeros, gradients that wake a sleeping weight, tiny weights,
/// and the infinities and NaN of a run that diverges.
fn awkward(seed: &mut u64, _what: usize) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    let r = *seed;
    let sign = if r & 1 == 1 { 0x8000_0000 } else { 0 };
    let pick = (r >> 8) % 12;
    let bits = match pick {
        0 => 0,
        1 => 1 + (r >> 20) as u32 % 3,         // β1's resting subnormals
        2 => 1 + (r >> 20) as u32 % 60,        // β2's
        3 => 1 + (r >> 20) as u32 % 0x7f_ffff, // any subnormal
        4 => 0x0080_0000 + (r >> 20) as u32 % 0x0100_0000, // just above the subnormals
        5 => 0x0d00_0000 + (r >> 20) as u32 % 0x0200_0000, // about 2⁻¹⁰⁰
        10 => 0x7f80_0000,                     // infinity
        11 => 0x7fc0_0000 + (r >> 20) as u32 % 0x40_0000, // NaN
        _ => 0x3a00_0000 + (r >> 20) as u32 % 0x0500_0000, // 5e-4 … 0.5: everyday numbers
    };
    f32::from_bits(sign | bits)
}

#[test]
fn every_update_has_the_bits_of_the_formula_table_even_among_subnormals() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let n = 4 * 60 + 3; // blocks of four and a tail
    let mut cases = 0;
    for kind in OptimizerKind::ALL {
        for (lr, beta1, beta2, eps) in [
            (0.01, 0.85, 0.99, 1e-8),
            (0.0, 0.9, 0.999, 1e-8),
            (0.3, 0.5, 0.0, 1e-8),
            (0.9, 0.0, 0.9, 1e-20),
            (2.0, 0.99, 0.5, 1e-3),
            (1e-30, 0.85, 0.99, 1e-40),
            (1e-33, 0.85, 0.99, 1e-8),
        ] {
            for ((t, bias_correction), care) in [(0, true), (10_000, true), (3, false)]
                .into_iter()
                .flat_map(|tb| [Subnormals::Avoided, Subnormals::Computed].map(|care| (tb, care)))
            {
                let cfg = OptimizerConfig {
                    kind,
                    lr,
                    beta1,
                    beta2,
                    eps,
                    weight_decay: 0.01,
                    schedule: Schedule::Constant,
                    bias_correction,
                };
                let mut opt = Optimizer::new(cfg, n, 100_000);
                opt.t = t;
                opt.subnormals = care;
                let mut want_w: Vec<f32> = (0..n).map(|_| awkward(&mut seed, 3)).collect();
                let g: Vec<f32> = (0..n).map(|_| awkward(&mut seed, 0)).collect();
                opt.m = (0..n).map(|_| awkward(&mut seed, 1)).collect();
                opt.v = (0..n).map(|_| awkward(&mut seed, 2)).collect();
                let (mut want_m, mut want_v) = (opt.m.clone(), opt.v.clone());
                let mut w = want_w.clone();
                opt.update(&mut w, &g);
                let corrections = cfg.bias_corrections(t + 1);
                for i in 0..n {
                    let step = by_the_table(
                        &cfg,
                        lr,
                        corrections,
                        g[i],
                        &mut want_m[i],
                        &mut want_v[i],
                        &mut want_w[i],
                    );
                    let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                    assert!(
                        same(opt.m[i], want_m[i])
                            && same(opt.v[i], want_v[i])
                            && same(w[i], want_w[i])
                            && same(opt.last_step[i], step),
                        "{kind:?} lr {lr} β1 {beta1} β2 {beta2} ε {eps} t {t}, subnormals {care:?}, weight {i}: got m {:e} v {:e} step {:e} w {:e}, \
                         the table gives m {:e} v {:e} step {:e} w {:e}",
                        opt.m[i],
                        opt.v[i],
                        opt.last_step[i],
                        w[i],
                        want_m[i],
                        want_v[i],
                        step,
                        want_w[i]
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 5 * 7 * 3 * 2 * n);
}

/// Whichever way the processor picks, a run is the same run: the default
/// run trained with subnormals kept out of the arithmetic and with them
/// computed ends on the same weights, m and v, bit for bit, after its m has
/// decayed into the subnormals (so the first way's exact paths were taken).
#[test]
fn a_run_is_the_same_whichever_way_subnormals_are_treated() {
    use raw_weights::brain::{Corpus, Run, RunConfig};
    let corpus = Corpus::from_text(raw_weights::corpora::NAMES, "names").unwrap();
    let config = RunConfig { steps: 6_000, ..RunConfig::default() };
    let [avoided, computed] = [Subnormals::Avoided, Subnormals::Computed].map(|care| {
        let mut run = Run::new(config, &corpus).unwrap();
        run.optimizer.subnormals = care;
        run.train(6_000).unwrap();
        run
    });
    let subnormal = avoided.optimizer.m.iter().filter(|m| m.is_subnormal()).count();
    assert!(
        subnormal > 100,
        "only {subnormal} subnormal m after 6,000 steps: the test no longer reaches them"
    );
    let bits = |x: &[f32]| x.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(avoided.checksum_hex(), computed.checksum_hex());
    assert_eq!(bits(&avoided.params.data), bits(&computed.params.data));
    assert_eq!(bits(&avoided.optimizer.m), bits(&computed.optimizer.m));
    assert_eq!(bits(&avoided.optimizer.v), bits(&computed.optimizer.v));
}
