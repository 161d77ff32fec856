//! Raw Weights: a robot student learns to write. Its brain is a real
//! character-level language model that trains live inside the game.
//!
//! - [`brain`]: the model, its exact gradients, optimizers and sampling (no Bevy);
//! - [`corpora`]: the training texts shipped with the game.

pub mod brain;
pub mod corpora;
pub mod level;
