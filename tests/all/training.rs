//! Training does what the lessons promise.

use raw_weights::brain::math::uniform_score;
use raw_weights::brain::{BrainError, Corpus, ModelKind, Run, RunConfig};
use raw_weights::corpora;

#[test]
fn a_thousand_steps_on_names_take_the_loss_from_ln_v_below_2_7() {
    let corpus = Corpus::from_text(corpora::NAMES, "names").unwrap();
    let mut run = Run::new(RunConfig::default(), &corpus).unwrap();
    run.train(1000).unwrap();
    assert!(run.is_finished());
    let start = run.losses[0];
    let ln_v = uniform_score(run.vocab.size());
    assert!((start - ln_v).abs() < 0.15, "first loss {start} should be near ln V = {ln_v}");
    let end = run.recent_loss(100).unwrap();
    assert!(end < 2.7, "mean of the last 100 steps is {end}");
}

#[test]
fn the_bigram_starts_at_exactly_the_uniform_score_and_learns() {
    let corpus = Corpus::from_text(corpora::NAMES, "names").unwrap();
    let config = RunConfig { model: ModelKind::Bigram, steps: 600, ..RunConfig::default() };
    let mut run = Run::new(config, &corpus).unwrap();
    run.train(600).unwrap();
    // All-zero votes: every letter gets the same share.
    assert!((run.losses[0] - uniform_score(run.vocab.size())).abs() < 1e-5);
    assert!(run.recent_loss(100).unwrap() < 2.9);
}

#[test]
fn a_diverging_run_stops_and_names_the_step() {
    let corpus = Corpus::from_text(crate::TINY, "tiny").unwrap();
    let mut config = RunConfig { steps: 500, ..RunConfig::default() };
    config.optimizer.kind = raw_weights::brain::OptimizerKind::Sgd;
    config.optimizer.lr = 1e30;
    let mut run = Run::new(config, &corpus).unwrap();
    let err = run.train(500).unwrap_err();
    let BrainError::Diverged { step, loss } = err else { panic!("expected divergence, got {err}") };
    assert!(!loss.is_finite());
    assert_eq!(run.step_count(), step, "the diverging step is not recorded");
    assert!(err.to_string().contains(&format!("step {step}")));
}

#[test]
fn documents_are_trained_in_shuffled_order_cycling_through_all() {
    let corpus = Corpus::from_text(crate::TINY, "tiny").unwrap();
    let run = Run::new(RunConfig::default(), &corpus).unwrap();
    let mut sorted: Vec<&str> = run.documents().collect();
    sorted.sort();
    let mut original: Vec<&str> = corpus.docs().collect();
    original.sort();
    assert_eq!(sorted, original, "every document appears once per epoch");
    assert!(run.documents().ne(corpus.docs()), "seed 42 shuffles this corpus");
    // Each step's tokens are its document's, from the one buffer the corpus holds.
    for k in 0..run.document_count() {
        let mut tokens = Vec::new();
        run.vocab.encode_document(run.document(k), &mut tokens).unwrap();
        let held: Vec<usize> = run.document_tokens(k).iter().map(|&t| t as usize).collect();
        assert_eq!(held, tokens, "step {k}: {}", run.document(k));
    }
}

#[test]
fn gpt_positions_stop_at_the_context() {
    let corpus = Corpus::from_text("abcdefghijklmnopqrstuvwxyz\n", "alphabet").unwrap();
    let run = Run::new(RunConfig::default(), &corpus).unwrap();
    // BOS + 26 letters + BOS = 28 tokens; the context holds 16.
    assert_eq!(run.brain.positions(run.document_tokens(0).len()), 16);
}

#[test]
fn a_stream_reads_windows_of_the_whole_text_across_line_ends() {
    use raw_weights::brain::Data;
    let corpus = Corpus::from_text(raw_weights::corpora::SENTENCES, "sentences").unwrap();
    let config = RunConfig { data: Data::Stream, steps: 300, ..RunConfig::default() };
    let mut run = Run::new(config, &corpus).unwrap();
    let bos = run.vocab.bos() as u16;
    let all = corpus.all_tokens();
    let mut crossed = 0;
    for k in 0..200 {
        let window = run.document_tokens(k);
        assert_eq!(window.len(), config.gpt.block_size + 1, "step {k}: block_size + 1 tokens");
        // A slice of the whole text, wherever it starts.
        let found = (0..=all.len() - window.len()).any(|at| &all[at..at + window.len()] == window);
        assert!(found, "step {k}: a window of the text");
        crossed += window[1..window.len() - 1].contains(&bos) as usize;
    }
    assert!(crossed > 20, "windows run across line ends ({crossed} of 200)");
    assert_ne!(run.document_tokens(0), run.document_tokens(1), "each step its own window");
    // The same seed reads the same windows and ends on the same bits; it learns.
    let mut again = Run::new(config, &corpus).unwrap();
    run.train(300).unwrap();
    again.train(300).unwrap();
    assert_eq!(run.checksum(), again.checksum());
    let start = raw_weights::brain::math::uniform_score(run.vocab.size());
    assert!(run.recent_loss(50).unwrap() < start - 0.5, "{:?} from {start}", run.recent_loss(50));
    // Lines stay as they were: a line a step.
    let lines = Run::new(RunConfig { data: Data::Lines, ..config }, &corpus).unwrap();
    assert_eq!(lines.document_tokens(0).first(), Some(&bos));
    assert_eq!(lines.document_tokens(0).last(), Some(&bos));
}
