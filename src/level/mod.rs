//! Level files, their validation, replay files and the commands they hold,
//! and the player's progress. No Bevy.

pub mod command;
pub mod format;
pub mod progress;
pub mod replay;

pub use format::{
    Control, Controls, CorpusSource, Goal, Lesson, Level, LevelError, LevelFile, LevelSet, Panel,
};
pub use progress::{Progress, ProgressStore};
