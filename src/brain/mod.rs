//! The robot student's brain: a character-level language model, its exact
//! gradients, its optimizers and its sampling. Pure Rust, no Bevy.
//!
//! Determinism is part of the contract (docs/architecture.md): f32 throughout, fixed-order
//! loops, `libm` for transcendental functions, one seeded ChaCha stream per
//! purpose, and training advanced by step count. The same run gives the same
//! bits natively and in the browser; [`Params::checksum`] names those bits.
//!
//! Its own crate (`raw-weights-brain`, the game re-exports it as
//! `raw_weights::brain`), so the browser build can compile it for speed while
//! the rest of the game is compiled for size.

pub mod attention;
pub mod bench;
pub mod bigram;
pub mod corpora;
mod error;
pub mod export;
pub mod formula;
pub mod gpt;
mod lanes;
pub mod math;
pub mod model;
pub mod optim;
pub mod params;
pub mod reference;
pub mod rng;
pub mod run;
pub mod sample;
pub mod subnormals;
pub mod vocab;

pub use error::BrainError;
pub use export::RunExport;
pub use gpt::GptConfig;
pub use model::{Brain, ModelKind, Workspace};
pub use optim::{Optimizer, OptimizerConfig, OptimizerKind, Schedule, Subnormals};
pub use params::Params;
pub use rng::{Rand, Stream};
pub use run::{Data, Run, RunConfig};
pub use sample::{Performance, SampleSettings};
pub use subnormals::SubnormalTiming;
pub use vocab::{Corpus, Token, TokenId, Vocab};
