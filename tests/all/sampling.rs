//! The voting box and the performance: softmax, temperature, top-k, drawing.

use raw_weights::brain::math::{
    cross_entropy, score_gradient, softmax, softmax_with_temperature, top_k_mask, uniform_score,
};
use raw_weights::brain::sample::{Performance, draw, write_samples};
use raw_weights::brain::{BrainError, Corpus, Rand, Run, RunConfig, SampleSettings, Stream};

const VOTES: [f32; 5] = [1.0, 3.0, -2.0, 3.0, 0.5];

#[test]
fn shares_are_positive_and_sum_to_one() {
    let mut shares = [0.0; 5];
    softmax(&mut shares, &VOTES);
    assert!(shares.iter().all(|&s| s > 0.0));
    assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    assert!(shares[1] > shares[0] && shares[0] > shares[4] && shares[4] > shares[2]);
    assert_eq!(shares[1], shares[3], "equal votes, equal shares");
}

#[test]
fn adding_the_same_votes_to_every_letter_changes_no_share() {
    let mut a = [0.0; 5];
    let mut b = [0.0; 5];
    softmax(&mut a, &VOTES);
    softmax(&mut b, &VOTES.map(|v| v + 1000.0));
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-6);
    }
}

#[test]
fn huge_votes_stay_finite() {
    let mut shares = [0.0; 3];
    softmax(&mut shares, &[1e30, 0.0, -1e30]);
    assert_eq!(shares, [1.0, 0.0, 0.0]);
}

#[test]
fn temperature_sharpens_and_flattens() {
    let mut cold = [0.0; 5];
    let mut warm = [0.0; 5];
    let mut hot = [0.0; 5];
    softmax_with_temperature(&mut cold, &VOTES, 0.25);
    softmax_with_temperature(&mut warm, &VOTES, 1.0);
    softmax_with_temperature(&mut hot, &VOTES, 100.0);
    assert!(cold[1] > warm[1] && warm[1] > hot[1]);
    for s in hot {
        assert!((s - 0.2).abs() < 0.01, "very hot is nearly uniform: {hot:?}");
    }
    let mut plain = [0.0; 5];
    softmax(&mut plain, &VOTES);
    assert_eq!(plain, warm, "temperature 1 is plain softmax");
}

#[test]
fn very_low_temperature_picks_the_top_votes_without_overflow() {
    for t in [1e-3, 1e-6, 1e-30, 0.0] {
        let mut shares = [0.0; 5];
        softmax_with_temperature(&mut shares, &VOTES, t);
        assert!(shares.iter().all(|s| s.is_finite()), "T = {t}: {shares:?}");
        assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(shares[0] + shares[2] + shares[4], 0.0, "T = {t}: only the top votes remain");
    }
    let mut greedy = [0.0; 5];
    softmax_with_temperature(&mut greedy, &VOTES, 0.0);
    assert_eq!(greedy, [0.0, 1.0, 0.0, 0.0, 0.0], "T = 0 takes the first of tied top votes");
}

#[test]
fn top_k_keeps_exactly_k_letters() {
    for k in 1..=5 {
        let mut votes = VOTES;
        top_k_mask(&mut votes, k);
        let kept: Vec<usize> = (0..5).filter(|&i| votes[i].is_finite()).collect();
        assert_eq!(kept.len(), k, "k = {k}: {votes:?}");
        for &i in &kept {
            assert_eq!(votes[i], VOTES[i], "kept votes are unchanged");
        }
    }
    let mut votes = VOTES;
    top_k_mask(&mut votes, 1);
    assert!(votes[1].is_finite() && votes[3] == f32::NEG_INFINITY, "ties go to the lower id");
    let mut votes = VOTES;
    top_k_mask(&mut votes, 3);
    let mut shares = [0.0; 5];
    softmax(&mut shares, &votes);
    assert_eq!((shares[2], shares[4]), (0.0, 0.0));
    assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-6);
}

#[test]
fn the_score_is_minus_ln_of_the_true_share_and_its_gradient_is_p_minus_onehot() {
    let mut shares = [0.0; 5];
    softmax(&mut shares, &VOTES);
    for target in 0..5 {
        let score = cross_entropy(&VOTES, target);
        assert!((score + shares[target].ln()).abs() < 1e-5);
        let mut grad = [0.0; 5];
        score_gradient(&mut grad, &shares, target, 1.0);
        for i in 0..5 {
            let want = shares[i] - if i == target { 1.0 } else { 0.0 };
            assert_eq!(grad[i], want);
        }
        // And against a finite difference of the score itself.
        let h = 1e-2;
        for i in 0..5 {
            let (mut up, mut down) = (VOTES, VOTES);
            up[i] += h;
            down[i] -= h;
            let fd = (cross_entropy(&up, target) - cross_entropy(&down, target)) / (2.0 * h);
            assert!((fd - grad[i]).abs() < 1e-3, "dscore/dvote[{i}]: {fd} vs {}", grad[i]);
        }
    }
    assert!((cross_entropy(&[0.0; 27], 3) - uniform_score(27)).abs() < 1e-6);
    assert!((uniform_score(27) - 27f32.ln()).abs() < 1e-6);
}

#[test]
fn draw_walks_the_running_total() {
    let shares = [0.1, 0.0, 0.6, 0.3];
    assert_eq!(draw(&shares, 0.0), 0);
    assert_eq!(draw(&shares, 0.099), 0);
    assert_eq!(draw(&shares, 0.1), 2);
    assert_eq!(draw(&shares, 0.69), 2);
    assert_eq!(draw(&shares, 0.71), 3);
    assert_eq!(draw(&shares, 0.999_999_9), 3);
    assert_eq!(draw(&[0.0, 1.0, 0.0], 0.5), 1, "a letter with no share is never drawn");
}

#[test]
fn drawn_letters_follow_the_shares() {
    let shares = [0.5, 0.25, 0.25];
    let mut rng = Rand::new(9, Stream::Sampling);
    let mut counts = [0usize; 3];
    for _ in 0..20_000 {
        counts[draw(&shares, rng.uniform_f32())] += 1;
    }
    for (c, s) in counts.iter().zip(shares) {
        assert!((*c as f32 / 20_000.0 - s).abs() < 0.02, "{counts:?}");
    }
}

fn trained() -> Run {
    let corpus = Corpus::from_text(raw_weights::corpora::NAMES, "names").unwrap();
    let mut run = Run::new(RunConfig { steps: 300, ..RunConfig::default() }, &corpus).unwrap();
    run.train(300).unwrap();
    run
}

#[test]
fn sampling_is_reproducible_by_seed_and_respects_the_prefix() {
    let run = trained();
    let settings = SampleSettings { temperature: 0.8, top_k: 0 };
    let write = |seed, prefix| {
        let mut rng = Rand::new(seed, Stream::Sampling);
        write_samples(&run.brain, &run.params.data, &run.vocab, settings, prefix, 12, &mut rng).unwrap()
    };
    assert_eq!(write(1, ""), write(1, ""));
    assert_ne!(write(1, ""), write(2, ""));
    for text in write(3, "ma") {
        assert!(text.starts_with("ma"), "{text}");
        assert!(text.len() <= 16, "the context holds BOS + 15 letters read, 16 written: {text}");
    }
}

#[test]
fn each_written_letter_becomes_the_next_input() {
    let run = trained();
    let settings = SampleSettings { temperature: 1.0, top_k: 0 };
    let mut perf = Performance::new(&run.brain, &run.params.data, &run.vocab, settings, "").unwrap();
    let mut rng = Rand::new(5, Stream::Sampling);
    // Replay the performance by reading its letters back: the votes it drew from must match.
    let mut check = run.brain.new_workspace();
    let mut votes = run.brain.read(&run.params.data, &mut check, run.vocab.bos()).to_vec();
    while let Some(drawn) = perf.next(&run.brain, &run.params.data, &mut rng) {
        let mut expected = vec![0.0; votes.len()];
        settings.shares(&mut expected, &mut votes.clone());
        assert_eq!(drawn.shares, expected);
        if drawn.token == run.vocab.bos() || perf.done {
            break;
        }
        votes = run.brain.read(&run.params.data, &mut check, drawn.token).to_vec();
    }
    assert!(perf.done);
}

#[test]
fn greedy_writing_is_the_same_every_time() {
    let run = trained();
    let settings = SampleSettings { temperature: 0.0, top_k: 0 };
    let mut a = Rand::new(1, Stream::Sampling);
    let mut b = Rand::new(2, Stream::Sampling);
    let write = |rng: &mut Rand| {
        write_samples(&run.brain, &run.params.data, &run.vocab, settings, "", 1, rng).unwrap()
    };
    assert_eq!(write(&mut a), write(&mut b), "T = 0 ignores the random draw");
}

#[test]
fn bad_prefixes_and_temperatures_are_refused() {
    let run = trained();
    let ok = SampleSettings::default();
    let new = |settings, prefix: &str| {
        Performance::new(&run.brain, &run.params.data, &run.vocab, settings, prefix).map(|_| ())
    };
    assert!(matches!(new(ok, "Ma"), Err(BrainError::PrefixOutsideVocab { letter: 'M', .. })));
    assert!(matches!(new(ok, "abcdefghijklmnop"), Err(BrainError::PrefixTooLong { .. })));
    assert!(
        new(ok, "abcdefghijklmno").is_ok(),
        "15 letters + BOS fill the context and leave one letter to write"
    );
    for t in [-1.0, f32::NAN, f32::INFINITY] {
        let bad = SampleSettings { temperature: t, top_k: 0 };
        assert!(matches!(new(bad, ""), Err(BrainError::InvalidSetting { .. })), "T = {t}");
    }
}

#[test]
fn a_student_that_never_ends_still_stops_writing() {
    // An untrained bigram at temperature 0 always takes its top vote, 'a', and
    // never the end mark: the performance still ends.
    let corpus = Corpus::from_text(crate::TINY, "tiny").unwrap();
    let config = RunConfig { model: raw_weights::brain::ModelKind::Bigram, ..RunConfig::default() };
    let run = Run::new(config, &corpus).unwrap();
    let settings = SampleSettings { temperature: 0.0, top_k: 0 };
    let mut rng = Rand::new(1, Stream::Sampling);
    let texts = write_samples(&run.brain, &run.params.data, &run.vocab, settings, "", 1, &mut rng).unwrap();
    assert_eq!(texts[0], "a".repeat(raw_weights::brain::sample::MAX_WRITTEN));
}

#[test]
fn top_k_survives_votes_that_are_not_numbers() {
    let mut votes = [1.0, f32::NAN, f32::INFINITY, -2.0, 0.5];
    top_k_mask(&mut votes, 3);
    assert_eq!(votes.iter().filter(|v| **v != f32::NEG_INFINITY).count(), 3);
}

#[test]
fn weights_that_diverged_cannot_write() {
    let run = trained();
    let mut params = run.params.data.clone();
    params[5] = f32::INFINITY;
    let result = Performance::new(&run.brain, &params, &run.vocab, SampleSettings::default(), "");
    assert!(matches!(result, Err(BrainError::NonFiniteWeights)));
}
