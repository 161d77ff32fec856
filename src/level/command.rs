//! The replay's vocabulary: everything a player does that changes the run or
//! the lesson is a [`Command`], executed between training steps and recorded
//! with the step. Replay files hold these; the lesson's rules carry them out
//! (`lesson::play`).

use serde::{Deserialize, Serialize};

use super::Control;
use crate::brain::{Data, GptConfig, ModelKind, OptimizerKind, Schedule};

/// A setting the playing screen can change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// Training steps per second.
    Speed(u32),
    LearningRate(f32),
    Optimizer(OptimizerKind),
    Beta1(f32),
    Beta2(f32),
    Eps(f32),
    WeightDecay(f32),
    Schedule(Schedule),
    Temperature(f32),
    TopK(usize),
    Prefix(String),
    /// The vote (logit) for `letter` after the letter `after` (token ids).
    Vote {
        after: usize,
        letter: usize,
        value: f32,
    },
}

impl Setting {
    /// The control that changes this setting.
    pub fn control(&self) -> Control {
        match self {
            Setting::Speed(_) => Control::Speed,
            Setting::LearningRate(_) => Control::LearningRate,
            Setting::Optimizer(_) => Control::Optimizer,
            Setting::Beta1(_) => Control::Beta1,
            Setting::Beta2(_) => Control::Beta2,
            Setting::Eps(_) => Control::Eps,
            Setting::WeightDecay(_) => Control::WeightDecay,
            Setting::Schedule(_) => Control::Schedule,
            Setting::Temperature(_) => Control::Temperature,
            Setting::TopK(_) => Control::TopK,
            Setting::Prefix(_) => Control::Prefix,
            Setting::Vote { .. } => Control::Votes,
        }
    }
}

/// A guess at the covered letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guess {
    Letter(char),
    /// The document ends here (the end mark ¶).
    End,
    /// No guess: just uncover it.
    Look,
}

/// A new training text and model for the sandbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retrain {
    /// One document per line.
    pub text: String,
    pub model: ModelKind,
    pub gpt: GptConfig,
    /// Read as lines (the default) or as a stream.
    #[serde(default, skip_serializing_if = "Data::is_lines")]
    pub data: Data,
}

/// Most letters one draw may draw.
pub const MAX_DRAW: u32 = 1000;

/// Something the player does that changes the run or the lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Change a training or writing setting.
    Set(Setting),
    /// Uncover the next letter on the board, with the player's guess.
    Guess(Guess),
    /// Draw letters from the ballot's shares.
    Draw(u32),
    /// Pick a letter column on the ballot.
    Select(usize),
    /// Pick a letter of the marked word.
    SelectPosition(usize),
    /// The student starts a performance.
    Write,
    /// The performance on stage draws all its remaining letters.
    FinishWriting,
    /// A fresh run of the level (asked for, or after a fall).
    Restart,
    /// The sandbox trains on a new text and model.
    Retrain(Retrain),
    /// Put the `i`-th board text up (looking back).
    BoardText(usize),
    /// Pick a head for the close-up (looking back).
    PickHead { layer: usize, head: usize },
    /// Switch a head off (its output zeroed) or back on, for the view and
    /// the measurement only: training always uses every head.
    SwitchHead { layer: usize, head: usize, off: bool },
    /// Name the head the player thinks the student needs most (looking back).
    NameHead { layer: usize, head: usize },
}

/// The values each setting can take: the level check, the sliders, the keys and
/// links all read these.
pub mod range {
    use std::ops::RangeInclusive;

    pub const LEARNING_RATE: RangeInclusive<f32> = 1e-4..=10.0;
    pub const BETA1: RangeInclusive<f32> = 0.0..=0.999;
    pub const BETA2: RangeInclusive<f32> = 0.0..=0.9999;
    pub const EPS: RangeInclusive<f32> = 1e-10..=1.0;
    pub const WEIGHT_DECAY: RangeInclusive<f32> = 0.0..=1.0;
    pub const TEMPERATURE: RangeInclusive<f32> = 0.0..=3.0;
    /// Training steps per second.
    pub const SPEED: RangeInclusive<u32> = 1..=crate::level::format::MAX_SPEED;
}

impl Setting {
    /// True if the value is one the setting can take (a vote is checked by the ballot).
    pub fn in_range(&self) -> bool {
        let ok = |r: std::ops::RangeInclusive<f32>, x: f32| x.is_finite() && r.contains(&x);
        match self {
            Setting::Speed(s) => range::SPEED.contains(s),
            Setting::LearningRate(x) => ok(range::LEARNING_RATE, *x),
            Setting::Beta1(x) => ok(range::BETA1, *x),
            Setting::Beta2(x) => ok(range::BETA2, *x),
            Setting::Eps(x) => ok(range::EPS, *x),
            Setting::WeightDecay(x) => ok(range::WEIGHT_DECAY, *x),
            Setting::Temperature(x) => ok(range::TEMPERATURE, *x),
            Setting::Optimizer(_) | Setting::Schedule(_) | Setting::TopK(_) | Setting::Prefix(_) => true,
            Setting::Vote { value, .. } => value.is_finite(),
        }
    }
}
