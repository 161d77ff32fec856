//! Reference runs: short trainings whose checksums pin every bit of the
//! brain's arithmetic (loop order, `libm`, the random streams). The tests
//! hold their expected checksums, and `examples/golden.rs` prints them so a
//! native build and a WebAssembly build can be compared.

use super::{BrainError, Corpus, ModelKind, OptimizerKind, Run, RunConfig};
use crate::corpora;

/// Steps each reference run trains.
pub const REFERENCE_STEPS: usize = 200;

/// The reference runs: (label, settings), all on the names corpus with seed 42.
pub fn reference_runs() -> Vec<(&'static str, RunConfig)> {
    let with = |model, kind| {
        let mut config = RunConfig { model, steps: REFERENCE_STEPS, ..RunConfig::default() };
        config.optimizer.kind = kind;
        config
    };
    vec![
        ("gpt adam", with(ModelKind::Gpt, OptimizerKind::Adam)),
        ("gpt sgd", with(ModelKind::Gpt, OptimizerKind::Sgd)),
        ("bigram adam", with(ModelKind::Bigram, OptimizerKind::Adam)),
    ]
}

/// Trains a reference run to its end and returns its checksum (16 hex digits).
pub fn reference_checksum(config: RunConfig) -> Result<String, BrainError> {
    let corpus = Corpus::from_text(corpora::NAMES, "names")?;
    let mut run = Run::new(config, &corpus)?;
    run.train(config.steps)?;
    Ok(run.checksum_hex())
}
