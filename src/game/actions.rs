//! What the player can do, as messages: panels and keys write them, systems
//! carry them out. Training settings are applied between steps, at a known
//! step, so a session can be replayed exactly.

use bevy::prelude::*;

use crate::brain::{OptimizerKind, Schedule};
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
    /// Ask the student to write a few texts with the current settings.
    Write,
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
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_message::<Action>();
}
