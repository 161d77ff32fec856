//! What the player can do, as messages: panels and keys write them, systems
//! carry them out. Training settings are applied between steps, at a known
//! step, so a session can be replayed exactly.

use bevy::prelude::*;

use crate::brain::{GptConfig, ModelKind, OptimizerKind, Schedule};
use crate::level::Control;

/// A player's action.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum Action {
    OpenTitle,
    OpenMap,
    /// Play a level by id.
    Play(String),
    /// Play the level after the current one.
    PlayNext,
    Quit,
    TogglePause,
    Restart,
    /// Ask the student to perform a text, letter by letter.
    Write,
    /// Draw every remaining letter of the performance on stage at once.
    FinishWriting,
    /// Uncover the next letter on the board, with the player's guess.
    Guess(Guess),
    /// Draw letters from the ballot's shares.
    Draw(u32),
    /// Pick a letter column on the ballot.
    Select(usize),
    /// Pick a letter of the marked word.
    SelectPosition(usize),
    /// Start the sandbox over with a new training text and model.
    Retrain(Box<Retrain>),
    /// Show the level's next hint.
    NextHint,
    /// Change a training or writing setting.
    Set(Setting),
}

/// A setting the playing screen can change.
#[derive(Clone, Debug, PartialEq)]
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

/// A new training text and model for the sandbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Retrain {
    /// One document per line.
    pub text: String,
    pub model: ModelKind,
    pub gpt: GptConfig,
}

/// A guess at the covered letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guess {
    Letter(char),
    /// The document ends here (the end mark ¶).
    End,
    /// No guess: just uncover it.
    Look,
}

/// Most letters one draw action may draw.
pub const MAX_DRAW: u32 = 1000;

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

pub fn plugin(app: &mut App) {
    app.add_message::<Action>();
}
