//! One seed, one run, the same bits: on this machine, on any other, and in the browser.

use raw_weights::brain::reference::{reference_checksum, reference_runs};
use raw_weights::brain::{Corpus, Run, RunConfig, RunExport};
use raw_weights::corpora;

fn names_run(config: RunConfig) -> Run {
    let corpus = Corpus::from_text(corpora::NAMES, "names").unwrap();
    let mut run = Run::new(config, &corpus).unwrap();
    run.train(config.steps).unwrap();
    run
}

#[test]
fn the_same_seed_gives_an_identical_export() {
    let config = RunConfig { steps: 150, ..RunConfig::default() };
    let a = RunExport::from_run(&names_run(config)).to_json();
    let b = RunExport::from_run(&names_run(config)).to_json();
    assert_eq!(a, b);
}

#[test]
fn another_seed_gives_another_run() {
    let a = names_run(RunConfig { steps: 50, seed: 1, ..RunConfig::default() });
    let b = names_run(RunConfig { steps: 50, seed: 2, ..RunConfig::default() });
    assert_ne!(a.checksum(), b.checksum());
    assert_ne!(a.init, b.init, "the seed draws the initial weights");
    assert!(a.documents().ne(b.documents()), "the seed shuffles the documents");
    assert_ne!(a.losses, b.losses);
}

/// The checksums of the reference runs. They pin every bit of the
/// arithmetic (loop order, libm, the random streams): if a change moves one
/// of them, old replays no longer verify, so it must be deliberate. `.ci/run`
/// checks a WebAssembly build against the same values.
const GOLDEN: [(&str, &str); 9] = [
    ("gpt adam", "a98afd570096d634"),
    ("gpt sgd", "ec8f19699450632b"),
    ("bigram adam", "c9f21a12071bab4a"),
    ("gpt momentum", "05e9afe7792ff8e7"),
    ("gpt rmsprop", "8294bf66037bf507"),
    ("gpt adamw", "0e24acc174e7ba52"),
    ("gpt 2 layers", "d04c8a6276b95110"),
    ("gpt long documents", "306873309efc2be5"),
    ("gpt adam then sgd", "1875eb6a16ca60b7"),
];

#[test]
fn reference_runs_have_their_known_checksums() {
    let runs = reference_runs();
    assert_eq!(runs.len(), GOLDEN.len());
    for ((label, config), (want_label, want)) in runs.into_iter().zip(GOLDEN) {
        assert_eq!(label, want_label);
        assert_eq!(reference_checksum(config).unwrap(), want, "{label}: 200 steps, seed 42");
    }
}

#[test]
fn the_widened_reference_runs_are_the_command_lines_runs() {
    // The browser test checks each reference run against `raw-weights train`
    // (all but the switched one, which it checks against the golden example):
    // the two must agree.
    use raw_weights::brain::OptimizerKind;
    let runs = reference_runs();
    let find = |label: &str| runs.iter().find(|(l, _)| *l == label).unwrap().1;
    for (label, args) in [
        ("gpt momentum", vec!["--corpus", "assets/corpora/names.txt", "--optimizer", "momentum"]),
        ("gpt 2 layers", vec!["--corpus", "assets/corpora/names.txt", "--n-layer", "2"]),
        ("gpt long documents", vec!["--corpus", "assets/corpora/sentences.txt"]),
    ] {
        let mut argv = vec!["train", "--steps", "200"];
        argv.extend(args);
        let out = crate::cli::raw_weights(&argv);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let sum = stdout.lines().find_map(|l| l.strip_prefix("checksum ")).expect("a checksum line");
        assert_eq!(sum, reference_checksum(find(label)).unwrap(), "{label}");
    }
    let switched = find("gpt adam then sgd");
    assert_eq!(switched.switch, Some((100, OptimizerKind::Sgd)));
    assert_ne!(reference_checksum(switched).unwrap(), reference_checksum(find("gpt adam")).unwrap());
    let sentences = Corpus::from_text(corpora::SENTENCES, "sentences").unwrap();
    let context = find("gpt long documents").config.gpt.block_size;
    assert!(sentences.docs().any(|d| d.chars().count() + 1 > context), "documents longer than the context");
}

#[test]
fn an_export_loads_back_to_the_same_weights() {
    let run = names_run(RunConfig { steps: 30, ..RunConfig::default() });
    let json = RunExport::from_run(&run).to_json();
    let export = RunExport::from_json(&json, "test").unwrap();
    assert_eq!(export.losses, run.losses, "losses survive JSON bit for bit");
    let (vocab, _brain, params) = export.trained_model("test").unwrap();
    assert_eq!(vocab, run.vocab);
    assert_eq!(params.data, run.params.data);
    assert_eq!(export.checksum, run.checksum_hex());
    assert_eq!(export.docs[7], run.document(7), "docs are listed in training order");
}

#[test]
fn a_dot_product_sums_in_its_written_order_at_every_length() {
    use raw_weights::brain::math::dot;
    // Eight partial sums (i mod 8) combined ((s0 + s4) + (s1 + s5)) +
    // ((s2 + s6) + (s3 + s7)), then the tail in index order, one by one:
    // the tail's products taken four at once must add up the same way.
    let mut seed = 11u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 3.0
    };
    for n in 0..=27 {
        let a: Vec<f32> = (0..n).map(|_| next()).collect();
        let b: Vec<f32> = (0..n).map(|_| next()).collect();
        let whole = n - n % 8;
        let mut s = [0.0f32; 8];
        for i in 0..whole {
            s[i % 8] += a[i] * b[i];
        }
        let mut want = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
        for i in whole..n {
            want += a[i] * b[i];
        }
        let got = dot(&a, &b);
        assert_eq!(got.to_bits(), want.to_bits(), "length {n}: {got} but the written order gives {want}");
    }
}

#[test]
fn a_matrix_times_a_vector_sums_each_row_as_a_dot_product_does() {
    use raw_weights::brain::math::{dot, matvec};
    // Rows four at a time and one by one, columns eight at a time and a tail:
    // every output has the bits of its own row's dot product.
    let mut seed = 7u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    for (rows, cols) in [(27, 16), (16, 64), (64, 16), (5, 3), (9, 13), (4, 8), (1, 1)] {
        let w: Vec<f32> = (0..rows * cols).map(|_| next()).collect();
        let x: Vec<f32> = (0..cols).map(|_| next()).collect();
        let mut y = vec![0.0; rows];
        matvec(&mut y, &w, &x);
        for (r, &got) in y.iter().enumerate() {
            let want = dot(&w[r * cols..][..cols], &x);
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{rows}×{cols}, row {r}: {got} but the dot product is {want}"
            );
        }
    }
}

/// The voting box takes its exponentials four at a time (`math::exps`); each
/// must have the bits `libm::expf` gives, on every path through it: the
/// unreduced, the once-reduced and the fully reduced arguments, the tiny
/// ones, the far ones handed back to libm (overflow, underflow, subnormal
/// results), infinities and NaN. A million bit patterns spread over all of
/// them, and the edges themselves with their neighbours.
#[test]
fn every_exponential_taken_four_at_a_time_has_the_bits_of_libm() {
    let mut x: Vec<f32> = (0..(1u64 << 32)).step_by(4099).map(|b| f32::from_bits(b as u32)).collect();
    for edge in [
        0.0f32,
        0.5 * core::f32::consts::LN_2,
        1.5 * core::f32::consts::LN_2,
        80.0,
        87.33655,
        88.72284,
        103.97208,
    ] {
        for sign in [1.0f32, -1.0] {
            let e = (sign * edge).to_bits();
            x.extend((e.saturating_sub(64)..=e.saturating_add(64)).map(f32::from_bits));
        }
    }
    x.extend([
        2f32.powi(-14),
        f32::MIN_POSITIVE,
        1e-45,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -0.0,
        0.0,
    ]);
    // Every length, so each input is also met in the one-by-one tail.
    for offset in 0..4 {
        let x = &x[offset..];
        let mut e = vec![0.0f32; x.len()];
        raw_weights::brain::math::exps(&mut e, x);
        for (&x, &e) in x.iter().zip(&e) {
            let want = libm::expf(x);
            assert!(
                e.to_bits() == want.to_bits() || (e.is_nan() && want.is_nan()),
                "exp({x:e}) = {e:e} four at a time, {want:e} from libm"
            );
        }
    }
}
