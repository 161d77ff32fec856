//! Raw Weights: a robot student learns to write. Its brain is a real
//! character-level language model that trains live inside the game.
//!
//! - [`brain`]: the model, its exact gradients, optimizers and sampling (no Bevy;
//!   its own crate, `src/brain/`);
//! - [`landscape`]: slices of the loss under the student (no Bevy);
//! - [`level`]: level files and progress (no Bevy);
//! - [`corpora`]: the training texts shipped with the game;
//! - `game` (feature `game`): the Bevy game.

pub use raw_weights_brain as brain;
pub use raw_weights_brain::corpora;
#[cfg(feature = "game")]
pub mod game;
pub mod landscape;
pub mod lesson;
pub mod level;
#[cfg(target_arch = "wasm32")]
pub mod web;
