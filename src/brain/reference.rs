//! Reference runs: short trainings whose checksums pin every bit of the
//! brain's arithmetic (loop order, `libm`, the random streams). The tests
//! hold their expected checksums, and `examples/golden.rs` prints them so a
//! native build and a WebAssembly build can be compared. Between them they
//! use every climber, a two-layer model, documents longer than the context,
//! and a change of climber in the middle of a run.

use super::{BrainError, Corpus, GptConfig, ModelKind, OptimizerKind, Run, RunConfig};
use crate::corpora;

/// Steps each reference run trains.
pub const REFERENCE_STEPS: usize = 200;

/// One reference run: its settings, its corpus, and a climber it switches to halfway.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    pub config: RunConfig,
    /// A built-in corpus by name.
    pub corpus: &'static str,
    /// After this many steps, the run goes on with this climber.
    pub switch: Option<(usize, OptimizerKind)>,
}

/// The reference runs: (label, run), seed 42.
pub fn reference_runs() -> Vec<(&'static str, Reference)> {
    let with = |model, kind| {
        let mut config = RunConfig { model, steps: REFERENCE_STEPS, ..RunConfig::default() };
        config.optimizer.kind = kind;
        Reference { config, corpus: "names", switch: None }
    };
    let gpt = |kind| with(ModelKind::Gpt, kind);
    let mut two_layers = gpt(OptimizerKind::Adam);
    two_layers.config.gpt = GptConfig { n_layer: 2, ..GptConfig::default() };
    // Sentences run past the 16-letter context: only its first block is trained.
    let long = Reference { corpus: "sentences", ..gpt(OptimizerKind::Adam) };
    let switched =
        Reference { switch: Some((REFERENCE_STEPS / 2, OptimizerKind::Sgd)), ..gpt(OptimizerKind::Adam) };
    vec![
        ("gpt adam", gpt(OptimizerKind::Adam)),
        ("gpt sgd", gpt(OptimizerKind::Sgd)),
        ("bigram adam", with(ModelKind::Bigram, OptimizerKind::Adam)),
        ("gpt momentum", gpt(OptimizerKind::Momentum)),
        ("gpt rmsprop", gpt(OptimizerKind::RmsProp)),
        ("gpt adamw", gpt(OptimizerKind::AdamW)),
        ("gpt 2 layers", two_layers),
        ("gpt long documents", long),
        ("gpt adam then sgd", switched),
    ]
}

/// Trains a reference run to its end and returns its checksum (16 hex digits).
pub fn reference_checksum(reference: Reference) -> Result<String, BrainError> {
    let text = corpora::builtin(reference.corpus).expect("a reference run names a built-in corpus");
    let corpus = Corpus::from_text(text, reference.corpus)?;
    let mut run = Run::new(reference.config, &corpus)?;
    if let Some((at, kind)) = reference.switch {
        run.train(at)?;
        run.optimizer.config.kind = kind;
    }
    run.train(reference.config.steps)?;
    Ok(run.checksum_hex())
}
