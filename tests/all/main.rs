//! The one integration-test binary (each extra binary would relink Bevy).

mod architecture;
mod attention;
mod cli;
mod determinism;
mod game;
mod gradients;
mod harness;
mod landscape;
mod levels;
mod links;
mod optimizers;
mod replays;
mod sampling;
mod training;

/// A small corpus with a handful of letters, for fast runs.
pub const TINY: &str = "ada\nbob\ncab\ndad\nabba\nbead\ncede\n";
