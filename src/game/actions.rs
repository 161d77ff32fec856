//! What the player can do, as messages: panels and keys write them, systems
//! carry them out. The actions that change the run or the lesson become
//! [`Command`]s, executed between training steps and recorded with the step,
//! so a session can be replayed exactly.

use bevy::prelude::*;

pub use crate::lesson::play::{Command, Guess, MAX_DRAW, Retrain, Setting};

/// Whether the game offers to quit: a web page cannot close itself, and a stopped
/// game would leave a frozen picture in the tab.
pub const CAN_QUIT: bool = !cfg!(target_arch = "wasm32");

/// A player's action.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum Action {
    OpenTitle,
    OpenMap,
    /// Play a level by id.
    Play(String),
    /// Play the level after the current one.
    PlayNext,
    /// Close the game (not offered in the browser, where the tab is closed instead).
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
    /// Save the session so far as a replay file.
    SaveReplay,
    /// Open a replay file and play it back.
    OpenReplay(String),
    /// Play back a replay given as text (a file picked in the browser, or
    /// one of the sessions shipped with the game): its name and contents.
    OpenReplayText {
        name: String,
        text: String,
    },
    /// Make a link that opens this level with its settings as they are now.
    CopyLink,
    /// Drive the replay being played back.
    Replay(ReplayControl),
    /// Large fonts and fewer panels, for a projector.
    TogglePresenter,
}

/// The controls of a replay being played back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReplayControl {
    /// Play or pause the playback.
    PlayPause,
    /// One training step (or the next command, if one is due first).
    Step,
    /// Playback speed, as a multiple of the level's speed (0.25 to 8).
    Speed(f32),
    /// Go to a point of the session, counted in training steps from its start.
    Seek(usize),
    /// Stop playing back and play on from here; the recording continues.
    TakeOver,
}

impl Action {
    /// The command this action stands for, if it changes the run or the lesson.
    pub fn command(&self) -> Option<Command> {
        Some(match self {
            Action::Restart => Command::Restart,
            Action::Write => Command::Write,
            Action::FinishWriting => Command::FinishWriting,
            Action::Guess(g) => Command::Guess(*g),
            Action::Draw(n) => Command::Draw(*n),
            Action::Select(i) => Command::Select(*i),
            Action::SelectPosition(i) => Command::SelectPosition(*i),
            Action::Retrain(spec) => Command::Retrain((**spec).clone()),
            Action::Set(setting) => Command::Set(setting.clone()),
            _ => return None,
        })
    }
}

pub fn plugin(app: &mut App) {
    app.add_message::<Action>();
}
